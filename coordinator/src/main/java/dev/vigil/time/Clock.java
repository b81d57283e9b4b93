package dev.vigil.time;

/**
 * Monotonic time in milliseconds. The protocol core sees time only through this interface so
 * that the simulator can drive it on virtual time; only {@code time} reads the system clock.
 */
@FunctionalInterface
public interface Clock {
    long nowMillis();
}
