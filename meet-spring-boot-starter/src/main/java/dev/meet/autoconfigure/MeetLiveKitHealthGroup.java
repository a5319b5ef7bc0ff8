package dev.meet.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Takes {@code meetLiveKit} out of the overall health (LiveKit down does not make the application DOWN: reads and
 * streaming still work) and adds the group {@value #GROUP} ({@code /actuator/health/meet-livekit}) with it. A group of
 * the application's own that names {@code meetLiveKit} (e.g. readiness) keeps it; a group of the application's named
 * {@value #GROUP} wins over ours.
 */
final class MeetLiveKitHealthGroup implements HealthEndpointGroupsPostProcessor {

  static final String GROUP = "meet-livekit";
  static final String COMPONENT = "meetLiveKit";

  @Override
  public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
    HealthEndpointGroup primary = groups.getPrimary();
    Map<String, HealthEndpointGroup> all = new LinkedHashMap<>();
    for (String name : groups.getNames()) {
      HealthEndpointGroup group = groups.get(name);
      if (group != null) {
        all.put(name, group);
      }
    }
    all.putIfAbsent(GROUP, new Members(primary, COMPONENT::equals, null));
    return HealthEndpointGroups.of(new Members(primary,
        name -> !COMPONENT.equals(name) && primary.isMember(name), primary.getAdditionalPath()), all);
  }

  /** A group with the primary group's settings and other members. */
  private record Members(HealthEndpointGroup settings, Predicate<String> members,
      @Nullable AdditionalHealthEndpointPath additionalPath) implements HealthEndpointGroup {

    @Override
    public boolean isMember(String name) {
      return members.test(name);
    }

    @Override
    public boolean showComponents(SecurityContext securityContext) {
      return settings.showComponents(securityContext);
    }

    @Override
    public boolean showDetails(SecurityContext securityContext) {
      return settings.showDetails(securityContext);
    }

    @Override
    public StatusAggregator getStatusAggregator() {
      return settings.getStatusAggregator();
    }

    @Override
    public HttpCodeStatusMapper getHttpCodeStatusMapper() {
      return settings.getHttpCodeStatusMapper();
    }

    @Override
    public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
      return additionalPath;
    }
  }
}
