package dev.simplestreams.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real curl binary, as the seed's users run it; answers are status plus parsed JSON body. */
final class Curl {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Answer(int status, String body) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private Curl() {
    }

    /** Runs {@code curl -sS <args>}; a transport failure (not an HTTP error status) fails the test. */
    static Answer run(String... args) {
        Path body;
        try {
            body = Files.createTempFile("curl-body", ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--noproxy", "*", "-o", body.toString(),
                    "-w", "%{http_code}"));
            command.addAll(List.of(args));
            CommandResult result = Cli.create().run(command).orThrow();
            return new Answer(Integer.parseInt(result.stdout().trim()), Files.readString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            body.toFile().delete();
        }
    }
}
