package dev.meet.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * With Spring Security, the LiveKit webhook endpoint works out of the box: LiveKit sends no session, no credentials of
 * the application's and no CSRF token, and never retries a 4xx, so a 401 or 403 would lose the event. The webhook's
 * own signature (checked against the raw body with the LiveKit API secret) is its authentication.
 *
 * <ul>
 *   <li>Servlet: a {@code SecurityFilterChain} of its own for the webhook path only, ordered first, permitting it
 *       without CSRF. Ordered after Boot's security auto-configuration, so Boot's default chain (or the application's
 *       own chains) still guard every other path.
 *   <li>Reactive: a {@code Customizer<ServerHttpSecurity>} (applied by Spring Security 7 to every
 *       {@code ServerHttpSecurity}) that permits the path and exempts it from CSRF.
 * </ul>
 */
@AutoConfiguration(after = MeetAutoConfiguration.class, afterName = {
    "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "meet.livekit.webhook.enabled", matchIfMissing = true)
public final class MeetWebhookSecurityAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass({SecurityFilterChain.class, HttpSecurity.class, PathPatternRequestMatcher.class})
  @ConditionalOnBean(HttpSecurity.class)
  static class Servlet {

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    @ConditionalOnMissingBean(name = "meetLiveKitWebhookSecurityFilterChain")
    SecurityFilterChain meetLiveKitWebhookSecurityFilterChain(HttpSecurity http, MeetProperties properties) {
      String path = MeetWebhookConfiguration.path(properties);
      http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher(path))
          .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
          .csrf(csrf -> csrf.disable())
          .requestCache(cache -> cache.disable())
          .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
      return http.build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass({ServerHttpSecurity.class, CsrfWebFilter.class})
  static class Reactive {

    @Bean
    @ConditionalOnMissingBean(name = "meetLiveKitWebhookServerHttpSecurityCustomizer")
    Customizer<ServerHttpSecurity> meetLiveKitWebhookServerHttpSecurityCustomizer(MeetProperties properties) {
      String path = MeetWebhookConfiguration.path(properties);
      return http -> http
          .authorizeExchange(exchanges -> exchanges.pathMatchers(HttpMethod.POST, path).permitAll())
          .csrf(csrf -> csrf.requireCsrfProtectionMatcher(new AndServerWebExchangeMatcher(
              CsrfWebFilter.DEFAULT_CSRF_MATCHER,
              new NegatedServerWebExchangeMatcher(ServerWebExchangeMatchers.pathMatchers(path)))));
    }
  }
}
