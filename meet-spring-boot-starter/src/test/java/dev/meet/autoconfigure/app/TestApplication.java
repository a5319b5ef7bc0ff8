package dev.meet.autoconfigure.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The smallest application that uses the starter: nothing but auto-configuration. Alone in its package, so its
 * component scan finds no test configuration.
 */
@SpringBootApplication
public class TestApplication {}
