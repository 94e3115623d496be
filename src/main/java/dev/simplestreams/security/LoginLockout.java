package dev.simplestreams.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Refuses logins of a user, and logins from an address, for a while after too many failed ones in a row, as
 * Tomcat's LockOutRealm does for the container realm. A locked-out attempt is refused without its password
 * being checked, so the answer never tells whether it was right, and it does not extend the lock-out.
 *
 * <p>Users and addresses are remembered in two separate maps of bounded size (the least recently used entry
 * goes first): a flood of invented user names cannot push the addresses it comes from out of memory. Safe
 * for concurrent requests.
 */
public final class LoginLockout {

    private static final Logger LOG = Logger.getLogger(LoginLockout.class.getName());
    /** User names longer than this are remembered by their start; the header size bounds them anyway. */
    private static final int LONGEST_REMEMBERED_NAME = 256;

    /**
     * @param failuresAllowed failed logins in a row that lock a user or an address out; 0 turns lock-outs off
     * @param lockOutTime     how long a lock-out lasts, and how long a failure is remembered
     * @param remembered      users, and separately addresses, remembered at most
     */
    public record Limits(int failuresAllowed, Duration lockOutTime, int remembered) {
        public Limits {
            if (failuresAllowed < 0 || lockOutTime.isNegative() || remembered < 1) {
                throw new IllegalArgumentException("lock-out limits must not be negative: " + failuresAllowed
                        + " failures, " + lockOutTime + ", " + remembered + " remembered");
            }
        }
    }

    /** What is counted (in /metrics): never a name or an address, which could leak who uses the server. */
    public interface Events {
        void loginFailed();

        void lockedOut(Subject subject);

        void refusedWhileLocked();
    }

    /** Whose failures lock out. */
    public enum Subject { USER, ADDRESS }

    private final Limits limits;
    private final Clock clock;
    private final Events events;
    private final Map<String, Failures> users;
    private final Map<String, Failures> addresses;

    public LoginLockout(Limits limits, Clock clock, Events events) {
        this.limits = limits;
        this.clock = clock;
        this.events = events;
        this.users = boundedMap(limits.remembered());
        this.addresses = boundedMap(limits.remembered());
    }

    /**
     * How much longer logins as {@code user} (null when the request named none) or from {@code address} are
     * refused; empty when they may be tried. Counts the refusal when they are.
     */
    public synchronized Optional<Duration> lockedFor(String user, String address) {
        Instant now = clock.instant();
        Duration left = longer(remaining(users, userKey(user), now), remaining(addresses, address, now));
        if (left.isZero()) {
            return Optional.empty();
        }
        events.refusedWhileLocked();
        LOG.info(() -> "refused the login of " + describe(user, address) + " unchecked: locked out for "
                + left.toSeconds() + " s more");
        return Optional.of(left);
    }

    /** A login with the wrong credentials: counts against the user (if named) and the address. */
    public synchronized void failed(String user, String address) {
        events.loginFailed();
        if (limits.failuresAllowed() == 0) {
            LOG.info(() -> "failed login of " + describe(user, address));
            return;
        }
        Instant now = clock.instant();
        int userFailures = user == null ? 0 : count(users, userKey(user), now, Subject.USER, user, address);
        int addressFailures = count(addresses, address, now, Subject.ADDRESS, user, address);
        LOG.info(() -> "failed login of " + describe(user, address) + " (" + Math.max(userFailures, addressFailures)
                + " of " + limits.failuresAllowed() + " allowed in a row)");
    }

    /** A login with the right credentials: the user's and the address's failures are forgotten. */
    public synchronized void succeeded(String user, String address) {
        if (user != null) {
            users.remove(userKey(user));
        }
        addresses.remove(address);
    }

    private int count(Map<String, Failures> map, String key, Instant now, Subject subject, String user,
            String address) {
        Failures before = map.get(key);
        // Failures further apart than a lock-out lasts are not "in a row".
        int count = before == null || expired(before, now) ? 1 : before.count() + 1;
        map.put(key, new Failures(count, now));
        if (count == limits.failuresAllowed()) {
            events.lockedOut(subject);
            LOG.warning(() -> "locked out logins " + (subject == Subject.USER ? "of user '" + printable(user) + "'"
                    : "from " + address) + " for " + limits.lockOutTime().toSeconds() + " s after " + count
                    + " failures in a row (the last by " + describe(user, address) + ")");
        }
        return count;
    }

    private Duration remaining(Map<String, Failures> map, String key, Instant now) {
        Failures failures = key == null ? null : map.get(key);
        if (failures == null || failures.count() < limits.failuresAllowed() || limits.failuresAllowed() == 0) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, failures.last().plus(limits.lockOutTime()));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private boolean expired(Failures failures, Instant now) {
        return !now.isBefore(failures.last().plus(limits.lockOutTime()));
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String userKey(String user) {
        return user == null || user.length() <= LONGEST_REMEMBERED_NAME ? user
                : user.substring(0, LONGEST_REMEMBERED_NAME);
    }

    private static String describe(String user, String address) {
        return (user == null ? "no user" : "user '" + printable(user) + "'") + " from " + address;
    }

    /** A user name is the client's text: control characters would forge log lines. */
    private static String printable(String user) {
        String shown = userKey(user);
        StringBuilder out = new StringBuilder(shown.length());
        shown.codePoints().forEach(c -> out.append(Character.isISOControl(c) ? "?" : Character.toString(c)));
        return shown.length() < user.length() ? out + "..." : out.toString();
    }

    private static Map<String, Failures> boundedMap(int size) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > size;
            }
        };
    }

    private record Failures(int count, Instant last) {
    }
}
