package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.SimpleHttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.SimpleStatusAggregator;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/** Which health groups hold {@code meetLiveKit} once the starter has post-processed the application's groups. */
class MeetLiveKitHealthGroupTest {

  private static final StatusAggregator AGGREGATOR = new SimpleStatusAggregator();
  private static final HttpCodeStatusMapper MAPPER = new SimpleHttpCodeStatusMapper();

  private record Group(Predicate<String> members) implements HealthEndpointGroup {
    @Override
    public boolean isMember(String name) {
      return members.test(name);
    }

    @Override
    public boolean showComponents(SecurityContext securityContext) {
      return true;
    }

    @Override
    public boolean showDetails(SecurityContext securityContext) {
      return true;
    }

    @Override
    public StatusAggregator getStatusAggregator() {
      return AGGREGATOR;
    }

    @Override
    public HttpCodeStatusMapper getHttpCodeStatusMapper() {
      return MAPPER;
    }

    @Override
    public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
      return null;
    }
  }

  private static HealthEndpointGroups processed(Map<String, HealthEndpointGroup> groups) {
    return new MeetLiveKitHealthGroup().postProcessHealthEndpointGroups(
        HealthEndpointGroups.of(new Group(name -> true), groups));
  }

  @Test
  void liveKitLeavesTheOverallStatusAndGetsAGroupOfItsOwn() {
    HealthEndpointGroups groups = processed(Map.of());

    assertThat(groups.getPrimary().isMember("meetLiveKit")).isFalse();
    assertThat(groups.getPrimary().isMember("meetLockStore")).isTrue();
    assertThat(groups.getNames()).containsExactly("meet-livekit");
    HealthEndpointGroup liveKit = groups.get("meet-livekit");
    assertThat(liveKit.isMember("meetLiveKit")).isTrue();
    assertThat(liveKit.isMember("meetLockStore")).isFalse();
    assertThat(liveKit.getStatusAggregator()).isSameAs(AGGREGATOR);
  }

  @Test
  void anApplicationGroupNamingLiveKitKeepsIt() {
    HealthEndpointGroups groups = processed(Map.of("readiness", new Group(Set.of("meetLiveKit")::contains)));

    assertThat(groups.get("readiness").isMember("meetLiveKit")).isTrue();
    assertThat(groups.getNames()).containsExactlyInAnyOrder("readiness", "meet-livekit");
  }

  @Test
  void anApplicationGroupNamedMeetLiveKitWinsOverOurs() {
    Group own = new Group(name -> false);

    assertThat(processed(Map.of("meet-livekit", own)).get("meet-livekit")).isSameAs(own);
  }
}
