package dev.simplestreams.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.CapturedLog;
import dev.simplestreams.testing.SteppedClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LoginLockoutTest {

    /** Three failures in a row lock out for 100 s; two users and two addresses are remembered. */
    static final LoginLockout.Limits LIMITS = new LoginLockout.Limits(3, Duration.ofSeconds(100), 2);

    static Stream<Arguments> scenarios() {
        return Stream.of(
                // steps ("fail USER@ADDRESS", "ok USER@ADDRESS", "wait SECONDS"; "-" for no user), probe, seconds left
                row("no failures", List.of(), "alice@10.0.0.1", 0),
                row("two failures are not enough", List.of("fail alice@10.0.0.1", "fail alice@10.0.0.1"),
                        "alice@10.0.0.1", 0),
                row("three lock the user out", List.of("fail alice@10.0.0.1", "fail alice@10.0.0.2",
                        "fail alice@10.0.0.3"), "alice@10.0.0.9", 100),
                row("three lock the address out", List.of("fail alice@10.0.0.1", "fail bob@10.0.0.1",
                        "fail carol@10.0.0.1"), "dave@10.0.0.1", 100),
                row("requests without a user count for the address", List.of("fail -@10.0.0.1", "fail -@10.0.0.1",
                        "fail -@10.0.0.1"), "alice@10.0.0.1", 100),
                row("others are not locked out", List.of("fail alice@10.0.0.1", "fail alice@10.0.0.1",
                        "fail alice@10.0.0.1"), "bob@10.0.0.2", 0),
                row("the lock-out runs out", List.of("fail alice@10.0.0.1", "fail alice@10.0.0.1",
                        "fail alice@10.0.0.1", "wait 60"), "alice@10.0.0.1", 40),
                row("and is over after its time", List.of("fail alice@10.0.0.1", "fail alice@10.0.0.1",
                        "fail alice@10.0.0.1", "wait 100"), "alice@10.0.0.1", 0),
                row("a success forgets the failures", List.of("fail alice@10.0.0.1", "fail alice@10.0.0.1",
                        "ok alice@10.0.0.1", "fail alice@10.0.0.1", "fail alice@10.0.0.1"), "alice@10.0.0.1", 0),
                row("failures further apart than the lock-out are not in a row", List.of("fail alice@10.0.0.1",
                        "fail alice@10.0.0.1", "wait 100", "fail alice@10.0.0.1"), "alice@10.0.0.1", 0),
                row("a locked-out attempt does not extend the lock-out", List.of("fail alice@10.0.0.1",
                        "fail alice@10.0.0.1", "fail alice@10.0.0.1", "wait 50", "probe alice@10.0.0.1"),
                        "alice@10.0.0.1", 50),
                row("the least recently failed user is forgotten first", List.of("fail alice@10.0.0.1",
                        "fail alice@10.0.0.2", "fail alice@10.0.0.3", "fail bob@10.0.0.4", "fail carol@10.0.0.5"),
                        "alice@10.0.0.6", 0),
                row("invented user names do not push addresses out", List.of("fail a@10.0.0.1", "fail b@10.0.0.1",
                        "fail c@10.0.0.1"), "d@10.0.0.1", 100));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void locksOutAfterFailuresInARow(String scenario, List<String> steps, String probe, long secondsLeft) {
        SteppedClock clock = new SteppedClock(Instant.parse("2026-12-01T00:00:00Z"));
        LoginLockout lockout = new LoginLockout(LIMITS, clock, new CountedEvents());
        for (String step : steps) {
            String[] words = step.split(" ");
            switch (words[0]) {
                case "fail" -> lockout.failed(user(words[1]), address(words[1]));
                case "ok" -> lockout.succeeded(user(words[1]), address(words[1]));
                case "probe" -> lockout.lockedFor(user(words[1]), address(words[1]));
                case "wait" -> clock.advance(Duration.ofSeconds(Long.parseLong(words[1])));
                default -> throw new IllegalArgumentException(step);
            }
        }
        assertEquals(secondsLeft, lockout.lockedFor(user(probe), address(probe))
                .map(Duration::toSeconds).orElse(0L), scenario);
    }

    @Test
    void countsFailuresLockOutsAndRefusals() {
        CountedEvents events = new CountedEvents();
        LoginLockout lockout = new LoginLockout(LIMITS, new SteppedClock(Instant.EPOCH), events);
        for (int i = 0; i < 3; i++) {
            lockout.failed("alice", "10.0.0.1");
        }
        lockout.lockedFor("alice", "10.0.0.1");
        lockout.lockedFor("bob", "10.0.0.2");
        assertEquals(List.of("failed", "failed", "failed", "USER", "ADDRESS", "refused"), events.seen);
    }

    @Test
    void zeroFailuresAllowedTurnsLockOutsOff() {
        CountedEvents events = new CountedEvents();
        LoginLockout lockout = new LoginLockout(new LoginLockout.Limits(0, Duration.ofSeconds(100), 2),
                new SteppedClock(Instant.EPOCH), events);
        for (int i = 0; i < 10; i++) {
            lockout.failed("alice", "10.0.0.1");
        }
        assertTrue(lockout.lockedFor("alice", "10.0.0.1").isEmpty());
        assertEquals(10, events.seen.size(), "failures are still counted");
    }

    @Test
    void logsUserAndAddressButNoControlCharacters() {
        LoginLockout lockout = new LoginLockout(LIMITS, new SteppedClock(Instant.EPOCH), new CountedEvents());
        try (CapturedLog log = CapturedLog.of(LoginLockout.class.getName())) {
            for (int i = 0; i < 3; i++) {
                lockout.failed("mallory\nforged line", "10.0.0.1");
            }
            List<String> lines = log.records().stream().map(LogRecord::getMessage).toList();
            assertEquals(5, lines.size(), lines::toString);
            assertTrue(lines.get(0).contains("user 'mallory?forged line' from 10.0.0.1 (1 of 3"), lines::toString);
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("locked out logins of user 'mallory?forged "
                    + "line' for 100 s")), lines::toString);
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("locked out logins from 10.0.0.1")),
                    lines::toString);
            assertFalse(lines.stream().anyMatch(line -> line.contains("\n")), lines::toString);
        }
    }

    @Test
    void concurrentFailuresAreAllCounted() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        LoginLockout lockout = new LoginLockout(new LoginLockout.Limits(400, Duration.ofSeconds(100), 1000),
                new SteppedClock(Instant.EPOCH), new LoginLockout.Events() {
                    @Override
                    public void loginFailed() {
                        failures.incrementAndGet();
                    }

                    @Override
                    public void lockedOut(LoginLockout.Subject subject) {
                    }

                    @Override
                    public void refusedWhileLocked() {
                    }
                });
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                String address = "10.0.0." + thread;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        lockout.failed("alice", address);
                    }
                }));
            }
            for (Future<?> each : done) {
                each.get();
            }
        } finally {
            threads.shutdown();
        }
        assertEquals(400, failures.get());
        assertTrue(lockout.lockedFor("alice", "10.0.0.200").isPresent(), "400 failures of alice in a row");
    }

    private static String user(String userAtAddress) {
        String user = userAtAddress.substring(0, userAtAddress.indexOf('@'));
        return user.equals("-") ? null : user;
    }

    private static String address(String userAtAddress) {
        return userAtAddress.substring(userAtAddress.indexOf('@') + 1);
    }

    private static Arguments row(Object... values) {
        return Arguments.of(values);
    }

    private static final class CountedEvents implements LoginLockout.Events {
        final List<String> seen = new ArrayList<>();

        @Override
        public void loginFailed() {
            seen.add("failed");
        }

        @Override
        public void lockedOut(LoginLockout.Subject subject) {
            seen.add(subject.name());
        }

        @Override
        public void refusedWhileLocked() {
            seen.add("refused");
        }
    }
}
