package dev.meet.autoconfigure;

import java.util.List;
import org.redisson.api.RedissonClient;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;
import org.redisson.config.ReplicatedServersConfig;
import org.redisson.config.SentinelServersConfig;
import org.redisson.config.SingleServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.Node;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.context.annotation.Configuration;

/**
 * A Redisson client from the Redis the application configured the Boot way: {@code spring.data.redis.*} (standalone,
 * Sentinel, Cluster, static master/replica; credentials and SSL) or a service connection (Testcontainers, Docker
 * Compose), all through Boot's {@link DataRedisConnectionDetails}. Only without {@code meet.redis.url} (the explicit
 * override) and without a {@code RedissonClient} of the application's.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({RedissonClient.class, DataRedisConnectionDetails.class})
@ConditionalOnBean(DataRedisConnectionDetails.class)
@Conditional(MeetDataRedisConfiguration.NoMeetRedisUrl.class)
class MeetDataRedisConfiguration {

  private static final Logger log = LoggerFactory.getLogger(MeetDataRedisConfiguration.class);

  @Bean(destroyMethod = "shutdown")
  @ConditionalOnMissingBean
  RedissonClient meetRedissonClient(DataRedisConnectionDetails details,
      ObjectProvider<RedissonClientCustomizer> customizers) {
    Config config = config(details);
    return MeetRedisConfigurations.lazyClient(config, customizers);
  }

  /** The Redisson configuration equivalent to what Boot's Lettuce or Jedis connection factory would use. */
  static Config config(DataRedisConnectionDetails details) {
    Config config = new Config()
        .setUsername(details.getUsername())
        .setPassword(details.getPassword());
    SslBundle ssl = details.getSslBundle();
    String scheme = ssl == null ? "redis://" : "rediss://";
    if (ssl != null) {
      config.setSslTrustManagerFactory(ssl.getManagers().getTrustManagerFactory());
      config.setSslKeyManagerFactory(ssl.getManagers().getKeyManagerFactory());
    }
    DataRedisConnectionDetails.Sentinel sentinel = details.getSentinel();
    DataRedisConnectionDetails.Cluster cluster = details.getCluster();
    DataRedisConnectionDetails.MasterReplica masterReplica = details.getMasterReplica();
    DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
    // Boot's own order of precedence (DataRedisConnectionConfiguration): Sentinel, Cluster, master/replica, standalone.
    // Reads go to the master, as with Lettuce's default: a lock read from a lagging replica could be stale.
    if (sentinel != null) {
      SentinelServersConfig servers = config.useSentinelServers()
          .setMasterName(sentinel.getMaster())
          .setDatabase(sentinel.getDatabase())
          .setSentinelUsername(sentinel.getUsername())
          .setSentinelPassword(sentinel.getPassword())
          // Boot (Lettuce) accepts a single sentinel; Redisson would refuse fewer than two by default.
          .setCheckSentinelsList(false)
          .setReadMode(ReadMode.MASTER);
      servers.setSentinelAddresses(addresses(scheme, sentinel.getNodes()));
      log.info("meet uses the application's Redis Sentinel master={} sentinels={}", sentinel.getMaster(),
          servers.getSentinelAddresses());
    } else if (cluster != null) {
      ClusterServersConfig servers = config.useClusterServers();
      servers.setReadMode(ReadMode.MASTER);
      servers.setNodeAddresses(addresses(scheme, cluster.getNodes()));
      log.info("meet uses the application's Redis Cluster nodes={}", servers.getNodeAddresses());
    } else if (masterReplica != null) {
      // Redisson's replicated mode finds the master among static nodes, as Lettuce's static master/replica does.
      ReplicatedServersConfig servers = config.useReplicatedServers();
      servers.setReadMode(ReadMode.MASTER);
      servers.setNodeAddresses(addresses(scheme, masterReplica.getNodes()));
      log.info("meet uses the application's Redis master/replica nodes={}", servers.getNodeAddresses());
    } else if (standalone != null) {
      SingleServerConfig server = config.useSingleServer()
          .setAddress(address(scheme, standalone.getHost(), standalone.getPort()))
          .setDatabase(standalone.getDatabase());
      log.info("meet uses the application's Redis address={} database={}", server.getAddress(),
          standalone.getDatabase());
    } else {
      throw new MeetConfigurationException("spring.data.redis", "names no Redis server (no standalone, Sentinel, "
          + "Cluster or master/replica settings)", "Set spring.data.redis.host (or .url, .sentinel.*, .cluster.*), "
          + "or set meet.redis.url.");
    }
    return config;
  }

  private static List<String> addresses(String scheme, List<Node> nodes) {
    return nodes.stream().map(node -> address(scheme, node.host(), node.port())).toList();
  }

  private static String address(String scheme, String host, int port) {
    return scheme + (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /** {@code meet.redis.url} is the explicit override: with it, {@link MeetRedisConfigurations.UrlClient} builds. */
  static final class NoMeetRedisUrl extends NoneNestedConditions {

    NoMeetRedisUrl() {
      super(ConfigurationCondition.ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnProperty("meet.redis.url")
    static final class MeetRedisUrl {}
  }
}
