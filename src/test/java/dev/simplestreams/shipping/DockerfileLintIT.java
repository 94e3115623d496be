package dev.simplestreams.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/Dockerfile passes the dockerfile-utils linter (npm; the engine behind the VS Code Docker extension's
 * diagnostics) and a deliberate mistake in a copy fails it; the build context rules let in exactly what the
 * Dockerfile copies. The linter is installed, pinned, under target/ with the machine's npm.
 */
class DockerfileLintIT {

    private static final String LINTER = "dockerfile-utils@0.16.3";

    @TempDir
    static Path temp;
    private static Path lint;

    @BeforeAll
    static void installLinter() {
        if (!Podman.onPath("npm")) {
            throw new IllegalStateException("npm is needed to install the Dockerfile linter (" + LINTER + ")");
        }
        Path prefix = ShippedImage.targetDir().resolve("shipping/npm");
        lint = prefix.resolve("node_modules/.bin/dockerfile-utils");
        if (!Files.isExecutable(lint)) {
            Cli.create().timeout(Duration.ofMinutes(3)).run("npm", "install", "--no-audit", "--no-fund",
                    "--no-save", "--prefix", prefix.toString(), LINTER).orThrow();
        }
    }

    @Test
    void theDockerfileHasNoLintProblems() {
        CommandResult r = lint(ShippedImage.DOCKERFILE);
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals("", r.stdout().strip(), r::describe);
    }

    @Test
    void aMistakeInACopyOfTheDockerfileFailsTheLint() throws IOException {
        String dockerfile = ShippedImage.read(ShippedImage.DOCKERFILE);
        assertTrue(dockerfile.contains("HEALTHCHECK --interval="));
        Path flag = Files.writeString(temp.resolve("flag.Dockerfile"),
                dockerfile.replace("HEALTHCHECK --interval=", "HEALTHCHECK --interva="));
        CommandResult misspeltFlag = lint(flag);
        assertNotEquals(0, misspeltFlag.exitCode(), misspeltFlag::describe);
        assertTrue(misspeltFlag.stdout().contains("Unknown flag: interva"), misspeltFlag::describe);

        Path instruction = Files.writeString(temp.resolve("instruction.Dockerfile"),
                dockerfile.replaceFirst("(?m)^COPY ", "COPPY "));
        CommandResult misspeltInstruction = lint(instruction);
        assertNotEquals(0, misspeltInstruction.exitCode(), misspeltInstruction::describe);
        assertTrue(misspeltInstruction.stdout().contains("Unknown instruction: COPPY"), misspeltInstruction::describe);
    }

    /** The official image's tag line, the non-root user, the volume, the port and the health check, as the issue asks. */
    @Test
    void theDockerfileIsOnTheOfficialTomcat11ImageAndRunsAsNonRoot() {
        assertTrue(ShippedImage.fromName().startsWith("docker.io/library/tomcat:11"), ShippedImage.fromName());
        DockerfileFacts facts = DockerfileFacts.read(ShippedImage.DOCKERFILE);
        String[] user = facts.user().split(":");
        assertTrue(Integer.parseInt(user[0]) > 0 && Integer.parseInt(user[1]) > 0, "USER " + facts.user());
        assertEquals(List.of("[\"/var/www/simplestreams\"]"), facts.all("VOLUME"));
        assertEquals(List.of("8080"), facts.all("EXPOSE"));
        assertTrue(facts.all("HEALTHCHECK").get(0).contains("/healthz"), facts.all("HEALTHCHECK")::toString);
    }

    /** .dockerignore lets in every file the Dockerfile copies, and nothing else. */
    @Test
    void theBuildContextHoldsExactlyWhatTheDockerfileCopies() {
        List<String> copied = DockerfileFacts.read(ShippedImage.DOCKERFILE).all("COPY").stream()
                .flatMap(c -> {
                    List<String> words = List.of(c.split(" "));
                    return words.subList(0, words.size() - 1).stream().filter(w -> !w.startsWith("--"));
                })
                .sorted().toList();
        List<String> allowed = ShippedImage.read(Path.of(".dockerignore")).lines()
                .map(String::strip)
                .filter(l -> l.startsWith("!"))
                .map(l -> l.substring(1))
                .sorted().toList();
        assertEquals(copied, allowed);
        assertTrue(Pattern.compile("(?m)^\\*$").matcher(ShippedImage.read(Path.of(".dockerignore"))).find(),
                ".dockerignore starts by excluding everything");
    }

    private static CommandResult lint(Path dockerfile) {
        return Cli.create().timeout(Duration.ofMinutes(1)).run(lint.toString(), "lint", dockerfile.toString());
    }
}
