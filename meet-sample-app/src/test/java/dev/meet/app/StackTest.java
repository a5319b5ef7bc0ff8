package dev.meet.app;

import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** A test class against the shared {@link Stack}: {@code stack} and its backend {@code api}. */
@ExtendWith(RedisServerExtension.class)
abstract class StackTest {

  static Stack stack;
  static Backend api;

  @BeforeAll
  static void stack(RedisServer redis) {
    stack = Stack.get(redis);
    api = stack.backend;
  }
}
