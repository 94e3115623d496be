package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.Slapd;
import dev.simplestreams.testing.TomcatServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.catalina.realm.JNDIRealm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * WRITE_AUTH=container against a real directory: slapd with users and groups, Tomcat's JNDIRealm inside a
 * LockOutRealm (as the shipped server.xml wraps its realm), roles from group membership. The application's own
 * lock-out is off here, so the lock-out seen is the realm's. Rows run in order.
 */
class LdapRealmIT {

    static final String PEOPLE = "ou=people," + Slapd.SUFFIX;
    static final String GROUPS = "ou=groups," + Slapd.SUFFIX;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final AtomicInteger VERSIONS = new AtomicInteger();
    static Slapd slapd;
    static TomcatServer server;

    @BeforeAll
    static void start() throws Exception {
        slapd = Slapd.start(String.join("\n",
                "dn: " + PEOPLE, "objectClass: organizationalUnit", "ou: people", "",
                "dn: " + GROUPS, "objectClass: organizationalUnit", "ou: groups", "",
                person("wendy"), person("lou"), person("rita"), person("adam"),
                group("simplestreams-uploader", "wendy", "lou"),
                group("simplestreams-admin", "adam"),
                group("readers", "rita"),
                // A group named for a scope grants it: rita may create under images/team-a/ only.
                group("simplestreams-create:images/team-a/", "rita")));
        JNDIRealm realm = new JNDIRealm();
        realm.setConnectionURL(slapd.url());
        realm.setConnectionName(Slapd.MANAGER);
        realm.setConnectionPassword(Slapd.MANAGER_PASSWORD);
        // The user's password is checked by binding as the user.
        realm.setUserPattern("uid={0}," + PEOPLE);
        realm.setRoleBase(GROUPS);
        realm.setRoleName("cn");
        realm.setRoleSearch("(member={0})");
        // A private view for the directory's group "readers": the realm's users read views by their groups too.
        Path access = Files.writeString(Files.createTempFile("ldap-access-", ".json"),
                "{\"views\": {\"team-a\": {\"roles\": [\"readers\"], \"under\": [\"images/team-a/\"]}}}");
        server = TomcatServer.start(Files.createTempDirectory("ldap-data-"), Map.of("WRITE_AUTH", "container",
                "LOGIN_FAILURES_ALLOWED", "0", "ACCESS_FILE", access.toString()), TomcatServer.realm(realm));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (slapd != null) {
            slapd.close();
        }
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                // what ("PUT": a new file under images/ldap/, "PUT team-a": under images/team-a/, "AUDIT": read the
                // trail, "VIEW": the private view's images.json), user, password, status, body must contain
                row("PUT", "wendy", "wendy pw", 201, "\"created\""),
                row("PUT", "wendy", "wrong", 401, ""),
                row("PUT", "nobody", "wendy pw", 401, ""),
                row("PUT", "rita", "rita pw", 403, "may create under images/team-a/"),
                row("PUT team-a", "rita", "rita pw", 201, "\"created\""),
                row("PUT team-a", "wendy", "wendy pw", 201, "\"created\""),
                row("AUDIT", "wendy", "wendy pw", 403, "role simplestreams-admin"),
                row("AUDIT", "adam", "adam pw", 200, "\"who\":\"wendy\""),
                row("VIEW", "rita", "rita pw", 200, "\"products\""),
                row("VIEW", "rita", "wrong", 401, "this catalogue is private"),
                row("VIEW", "adam", "adam pw", 404, "\"status\""),
                // Five wrong passwords in a row: the realm refuses lou, also with the right one, and only lou.
                row("PUT", "lou", "wrong 1", 401, ""),
                row("PUT", "lou", "wrong 2", 401, ""),
                row("PUT", "lou", "wrong 3", 401, ""),
                row("PUT", "lou", "wrong 4", 401, ""),
                row("PUT", "lou", "wrong 5", 401, ""),
                row("PUT", "lou", "lou pw", 401, ""),
                row("PUT", "wendy", "wendy pw", 201, "\"created\""));
    }

    @ParameterizedTest(name = "{0} as {1}:{2} -> {3}")
    @MethodSource("requests")
    void rolesComeFromTheDirectorysGroups(String method, String user, String password, int status, String body)
            throws Exception {
        HttpRequest.Builder request = method.equals("AUDIT")
                ? HttpRequest.newBuilder(server.uri("/audit?since=2000-01-01T00:00:00Z"))
                : method.equals("VIEW") ? HttpRequest.newBuilder(server.uri("/v/team-a/streams/v1/images.json"))
                : HttpRequest.newBuilder(server.uri("/images/" + (method.equals("PUT") ? "ldap" : "team-a")
                        + "/test/amd64/default/" + LocalDate.of(2026, 1, 1)
                        .plusDays(VERSIONS.incrementAndGet()).format(DateTimeFormatter.BASIC_ISO_DATE)
                        + "_00:00/metadata.json")).PUT(HttpRequest.BodyPublishers.ofString("{}"));
        request.header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response::body);
        assertTrue(response.body().contains(body), response::body);
    }

    private static String person(String uid) {
        return String.join("\n", "dn: uid=" + uid + "," + PEOPLE, "objectClass: inetOrgPerson", "uid: " + uid,
                "cn: " + uid, "sn: " + uid, "userPassword: " + uid + " pw", "", "");
    }

    private static String group(String name, String... members) {
        StringBuilder entry = new StringBuilder("dn: cn=" + name + "," + GROUPS + "\nobjectClass: groupOfNames\ncn: "
                + name + "\n");
        for (String member : members) {
            entry.append("member: uid=").append(member).append(",").append(PEOPLE).append("\n");
        }
        return entry.append("\n").toString();
    }

    private static Arguments row(Object... values) {
        return Arguments.of(values);
    }
}
