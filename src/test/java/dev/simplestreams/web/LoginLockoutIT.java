package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.StockTomcat;
import dev.simplestreams.testing.TomcatServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Failed logins in a row lock a user, or an address (as RemoteIpValve resolves it from X-Forwarded-For), out:
 * in the application's own check (WRITE_AUTH=basic) on the embedded Tomcat, and in container mode on a stock
 * Tomcat with the shipped server.xml (its LockOutRealm, and the application's address lock-out). Each row is a
 * fresh server and a sequence of steps: {@code PUT user:password@address -> status} ("-" for no credentials),
 * {@code wait MILLISECONDS}, {@code metric LINE} (a line /metrics must hold).
 */
class LoginLockoutIT {

    static final String PASSWORD = "right pw";
    static final Map<String, String> BASIC = Map.of("UPLOAD_USER", "uploader", "UPLOAD_PASSWORD", PASSWORD,
            "LOGIN_FAILURES_ALLOWED", "3");
    static final String USERS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">
              <role rolename="simplestreams-uploader"/>
              <user username="alice" password="alice pw" roles="simplestreams-uploader"/>
            </tomcat-users>
            """;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final AtomicInteger VERSIONS = new AtomicInteger();
    static final LocalDate FIRST_DAY = LocalDate.of(2026, 1, 1);

    static Stream<Arguments> scenarios() {
        return Stream.of(
                row("three wrong passwords lock the user out, with the right one too, from anywhere", "basic", BASIC,
                        "PUT uploader:wrong@203.0.113.1 -> 401", "PUT uploader:wrong@203.0.113.2 -> 401",
                        "PUT uploader:wrong@203.0.113.3 -> 401", "PUT uploader:" + PASSWORD + "@203.0.113.4 -> 429",
                        "PUT uploader:wrong@203.0.113.4 -> 429",
                        "metric simplestreams_failed_logins_total 3.0",
                        "metric simplestreams_login_lockouts_total{by=\"user\"} 1.0",
                        "metric simplestreams_locked_out_logins_total 2.0"),
                row("three failures from one address lock it out for every user", "basic", BASIC,
                        "PUT alice:x@203.0.113.1 -> 401", "PUT bob:y@203.0.113.1 -> 401",
                        "PUT -:not-basic@203.0.113.1 -> 401", "PUT uploader:" + PASSWORD + "@203.0.113.1 -> 429",
                        "PUT uploader:" + PASSWORD + "@203.0.113.2 -> 201",
                        "metric simplestreams_login_lockouts_total{by=\"address\"} 1.0"),
                row("a success forgets the failures", "basic", BASIC,
                        "PUT uploader:wrong@203.0.113.1 -> 401", "PUT uploader:wrong@203.0.113.1 -> 401",
                        "PUT uploader:" + PASSWORD + "@203.0.113.1 -> 201", "PUT uploader:wrong@203.0.113.1 -> 401",
                        "PUT uploader:wrong@203.0.113.1 -> 401", "PUT uploader:" + PASSWORD + "@203.0.113.1 -> 201"),
                row("asking without credentials is not a failure", "basic", BASIC,
                        "PUT -@203.0.113.1 -> 401", "PUT -@203.0.113.1 -> 401", "PUT -@203.0.113.1 -> 401",
                        "PUT -@203.0.113.1 -> 401", "PUT uploader:" + PASSWORD + "@203.0.113.1 -> 201",
                        "metric simplestreams_failed_logins_total 0.0"),
                row("the lock-out ends after LOGIN_LOCKOUT_SECONDS", "basic", with(BASIC, "LOGIN_LOCKOUT_SECONDS", "2"),
                        "PUT uploader:wrong@203.0.113.1 -> 401", "PUT uploader:wrong@203.0.113.1 -> 401",
                        "PUT uploader:wrong@203.0.113.1 -> 401", "PUT uploader:" + PASSWORD + "@203.0.113.1 -> 429",
                        "wait 2100", "PUT uploader:" + PASSWORD + "@203.0.113.1 -> 201"),
                row("LOGIN_FAILURES_ALLOWED=0 turns lock-outs off, failures are still counted", "basic",
                        with(BASIC, "LOGIN_FAILURES_ALLOWED", "0"),
                        "PUT uploader:wrong@203.0.113.1 -> 401", "PUT uploader:wrong@203.0.113.1 -> 401",
                        "PUT uploader:wrong@203.0.113.1 -> 401", "PUT uploader:wrong@203.0.113.1 -> 401",
                        "PUT uploader:" + PASSWORD + "@203.0.113.1 -> 201",
                        "metric simplestreams_failed_logins_total 4.0"),
                // The shipped server.xml's LockOutRealm alone (the application's lock-out off): 5 failures of a user.
                row("container: the realm locks out a user after five failures", "stock",
                        Map.of("WRITE_AUTH", "container", "LOGIN_FAILURES_ALLOWED", "0"),
                        "PUT alice:wrong@203.0.113.1 -> 401", "PUT alice:wrong@203.0.113.2 -> 401",
                        "PUT alice:alice pw@203.0.113.3 -> 201", "PUT alice:wrong@203.0.113.1 -> 401",
                        "PUT alice:wrong@203.0.113.2 -> 401", "PUT alice:wrong@203.0.113.3 -> 401",
                        "PUT alice:wrong@203.0.113.4 -> 401", "PUT alice:wrong@203.0.113.5 -> 401",
                        "PUT alice:alice pw@203.0.113.6 -> 401"),
                row("container: the application locks out an address", "stock",
                        Map.of("WRITE_AUTH", "container", "LOGIN_FAILURES_ALLOWED", "3"),
                        "PUT bob:x@203.0.113.1 -> 401", "PUT carol:y@203.0.113.1 -> 401",
                        "PUT dave:z@203.0.113.1 -> 401", "PUT alice:alice pw@203.0.113.1 -> 429",
                        "PUT alice:alice pw@203.0.113.2 -> 201"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void locksOut(String scenario, String kind, Map<String, String> settings, List<String> steps) throws Exception {
        Path work = Files.createTempDirectory("lockout-");
        Path data = Files.createDirectories(work.resolve("data"));
        try (Server server = kind.equals("basic") ? embedded(data, settings) : stock(work, data, settings)) {
            String lockedOutBody = null;
            for (String step : steps) {
                if (step.startsWith("wait ")) {
                    Thread.sleep(Long.parseLong(step.substring(5)));
                } else if (step.startsWith("metric ")) {
                    String metrics = HTTP.send(HttpRequest.newBuilder(server.uri().apply("/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    assertTrue(metrics.lines().anyMatch(step.substring(7)::equals), () -> step + " in\n" + metrics);
                } else {
                    HttpResponse<String> response = put(server.uri(), step);
                    int status = Integer.parseInt(step.substring(step.lastIndexOf(' ') + 1));
                    assertEquals(status, response.statusCode(), () -> step + ": " + response.body());
                    if (status == 429) {
                        assertTrue(response.body().contains("locked out"), response::body);
                        long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
                        assertTrue(retryAfter > 0 && retryAfter <= 300, () -> "Retry-After " + retryAfter);
                        assertFalse(response.body().toLowerCase().contains("password"), response::body);
                        // Right and wrong passwords get the same answer while locked out.
                        String shape = response.body().replaceAll("[0-9]+", "N");
                        if (lockedOutBody != null) {
                            assertEquals(lockedOutBody, shape, step);
                        }
                        lockedOutBody = shape;
                    }
                }
            }
        }
    }

    private static HttpResponse<String> put(Function<String, URI> uri, String step) throws Exception {
        String request = step.substring(4, step.indexOf(" -> "));
        String credentials = request.substring(0, request.lastIndexOf('@'));
        String address = request.substring(request.lastIndexOf('@') + 1);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri.apply("/images/lockout/test/amd64/default/"
                + FIRST_DAY.plusDays(VERSIONS.incrementAndGet()).format(DateTimeFormatter.BASIC_ISO_DATE)
                + "_00:00/metadata.json"))
                .header("X-Forwarded-For", address)
                .PUT(HttpRequest.BodyPublishers.ofString("{}"));
        if (credentials.startsWith("-:")) {
            builder.header("Authorization", "Bearer " + credentials.substring(2));
        } else if (!credentials.equals("-")) {
            builder.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private interface Server extends AutoCloseable {
        Function<String, URI> uri();
    }

    private static Server embedded(Path data, Map<String, String> settings) throws Exception {
        TomcatServer tomcat = TomcatServer.start(data, settings, TomcatServer.behindProxy());
        return new Server() {
            @Override
            public Function<String, URI> uri() {
                return tomcat::uri;
            }

            @Override
            public void close() throws Exception {
                tomcat.close();
            }
        };
    }

    private static Server stock(Path work, Path data, Map<String, String> settings) throws Exception {
        Path base = Files.createDirectories(work.resolve("tomcat/conf"));
        Files.writeString(base.resolve("tomcat-users.xml"), USERS);
        StockTomcat tomcat = StockTomcat.start(work.resolve("tomcat"),
                with(settings, "SIMPLESTREAMS_DIR", data.toString()));
        tomcat.awaitBody("/healthz", body -> true, Duration.ofSeconds(60));
        return new Server() {
            @Override
            public Function<String, URI> uri() {
                return tomcat::uri;
            }

            @Override
            public void close() {
                tomcat.close();
            }
        };
    }

    private static Map<String, String> with(Map<String, String> settings, String name, String value) {
        Map<String, String> more = new HashMap<>(settings);
        more.put(name, value);
        return more;
    }

    private static Arguments row(String scenario, String kind, Map<String, String> settings, String... steps) {
        return Arguments.of(scenario, kind, settings, List.of(steps));
    }
}
