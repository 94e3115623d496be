package dev.simplestreams.shipping;

import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The project's image, built from docker/Dockerfile unchanged with buildah, on a stand-in for the official Tomcat
 * base image: Debian 12 (mmdebstrap minbase) with its JRE 17 and curl, plus the Apache Tomcat distribution the build
 * unpacks from Maven Central (the same bytes the official image installs), laid out like the official image and
 * tagged with the exact name in the Dockerfile's FROM. Built once per test JVM and shared by the shipping test
 * classes through JUnit's root store, which removes both images when the last test has run. The Debian rootfs tar
 * is cached under target/ (the slow part: about a minute), keyed by its recipe.
 */
final class ShippedImage implements AutoCloseable, ExtensionContext.Store.CloseableResource {

    static final String TAG = "localhost/simplestreams-server:shipping-test";
    static final Path DOCKERFILE = Path.of("docker/Dockerfile");

    /** What the stand-in has: a shell, useradd (passwd), a JRE, curl for the HEALTHCHECK. */
    private static final String PACKAGES = "openjdk-17-jre-headless,curl,ca-certificates";
    private static final String SUITE = "bookworm";
    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)\\s*$");
    private static final Pattern OFFICIAL_TOMCAT_11 =
            Pattern.compile("(docker\\.io/library/|docker\\.io/)?tomcat:(11(\\.\\d+)*)(-[a-z0-9.-]+)?");

    private final Podman podman;
    private final String baseName;
    private final List<String> baseIds;
    private final String imageId;
    private final List<Duration> timings;
    private boolean closed;

    private ShippedImage(Podman podman, String baseName, List<String> baseIds, String imageId,
            List<Duration> timings) {
        this.podman = podman;
        this.baseName = baseName;
        this.baseIds = baseIds;
        this.imageId = imageId;
        this.timings = timings;
    }

    /** The image, built on first use in this JVM and removed when the root extension context closes. */
    static ShippedImage get(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(ShippedImage.class))
                .getOrComputeIfAbsent("image", key -> build(), ShippedImage.class);
    }

    /** Hands the shared image to a test class's parameters: {@code @ExtendWith(ShippedImage.Resolver.class)}. */
    static final class Resolver implements ParameterResolver {

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == ShippedImage.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return get(context);
        }
    }

    static Path targetDir() {
        return Path.of(System.getProperty("war.file", "target/ROOT.war")).toAbsolutePath().getParent();
    }

    static Podman podman() {
        return Podman.in(targetDir().resolve("shipping/podman"));
    }

    /** The FROM of docker/Dockerfile, fully qualified: the stand-in is tagged with exactly this name. */
    static String fromName() {
        String dockerfile = read(DOCKERFILE);
        Matcher m = FROM.matcher(dockerfile);
        if (!m.find()) {
            throw new AssertionError(DOCKERFILE + " has no FROM line");
        }
        String from = m.group(1);
        if (m.find()) {
            throw new AssertionError(DOCKERFILE + " has more than one FROM; the image is one stage on the official base");
        }
        Matcher official = OFFICIAL_TOMCAT_11.matcher(from);
        if (!official.matches()) {
            throw new AssertionError("FROM " + from + " is not an official Apache Tomcat 11 image (tomcat:11...)");
        }
        return from.startsWith("docker.io/library/") ? from
                : "docker.io/library/" + from.substring(from.indexOf("tomcat:"));
    }

    private static ShippedImage build() {
        Podman podman = podman();
        List<Duration> timings = new ArrayList<>();
        String baseName = fromName();
        long t0 = System.nanoTime();
        Path rootfs = rootfsTar(podman.cli());
        long t1 = System.nanoTime();
        List<String> baseIds = buildStandIn(podman, baseName, rootfs);
        long t2 = System.nanoTime();
        Path context = Path.of("").toAbsolutePath();
        CommandResult built = podman.buildah(Duration.ofMinutes(5), "bud", "--isolation", "chroot", "--pull=never",
                "--format", "docker", "--force-rm", "--layers=false", "-f", DOCKERFILE.toString(), "-t", TAG,
                context.toString());
        if (!built.ok()) {
            List<String> problems = new ArrayList<>();
            baseIds.forEach(id -> podman.remove("image", id, problems));
            throw new AssertionError("docker/Dockerfile did not build on the stand-in base " + baseName + "\n"
                    + built.describe());
        }
        String imageId = podman.podmanOk("image", "inspect", "--format", "{{.Id}}", TAG).strip();
        long t3 = System.nanoTime();
        timings.add(Duration.ofNanos(t1 - t0));
        timings.add(Duration.ofNanos(t2 - t1));
        timings.add(Duration.ofNanos(t3 - t2));
        System.out.printf("[shipping] rootfs %d ms, stand-in %s %d ms, project image %d ms%n",
                timings.get(0).toMillis(), baseName, timings.get(1).toMillis(), timings.get(2).toMillis());
        return new ShippedImage(podman, baseName, baseIds, imageId, timings);
    }

    /** mmdebstrap's Debian minbase with a JRE and curl, cached under target/ by recipe. */
    private static Path rootfsTar(Cli cli) {
        Path cacheDir = targetDir().resolve("shipping-cache");
        String mirror = debianMirror();
        String recipe = String.join("|", SUITE, PACKAGES, "minbase", "eatmydata", "nodoc-v1");
        Path tar = cacheDir.resolve("standin-rootfs-" + sha256(recipe).substring(0, 16) + ".tar");
        if (Files.isRegularFile(tar)) {
            return tar;
        }
        try {
            Files.createDirectories(cacheDir);
            Path partial = tar.resolveSibling(tar.getFileName() + ".part");
            Files.deleteIfExists(partial);
            // eatmydata hook: dpkg without fsync (twice as fast here); docs and translations are not needed.
            CommandResult r = cli.timeout(Duration.ofMinutes(8)).run("mmdebstrap", "--variant=minbase",
                    "--include=" + PACKAGES, "--format=tar", "--hook-dir=/usr/share/mmdebstrap/hooks/eatmydata",
                    "--dpkgopt=path-exclude=/usr/share/doc/*", "--dpkgopt=path-exclude=/usr/share/locale/*",
                    "--dpkgopt=path-include=/usr/share/locale/locale.alias", SUITE, partial.toString(), mirror);
            if (!r.ok()) {
                Files.deleteIfExists(partial);
                throw new AssertionError("mmdebstrap could not build the stand-in rootfs from " + mirror + "\n"
                        + r.describe());
            }
            Files.move(partial, tar, StandardCopyOption.ATOMIC_MOVE);
            return tar;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cache the stand-in rootfs in " + cacheDir, e);
        }
    }

    /**
     * The official image's layout, from its Dockerfile: Tomcat in /usr/local/tomcat (CATALINA_HOME, on PATH, the
     * WORKDIR), sample apps moved to webapps.dist and an empty webapps/, logs temp work mode 1777, JAVA_HOME
     * /opt/java/openjdk, no ENTRYPOINT, CMD catalina.sh run. Tomcat Native is not built (the project uses no APR).
     * The rootfs goes in with {@code podman import} (a quarter of the time of an ADD). Returns the stand-in's ID and
     * the imported rootfs image's, in the order they are to be removed.
     */
    private static List<String> buildStandIn(Podman podman, String name, Path rootfs) {
        Path tomcatHome = Path.of(System.getProperty("tomcat.home", "target/tomcat-distribution/apache-tomcat"));
        if (!Files.isExecutable(tomcatHome.resolve("bin/catalina.sh"))) {
            throw new AssertionError(tomcatHome + " holds no Tomcat distribution; run `mvn verify`");
        }
        String rootfsImage = "localhost/simplestreams-standin-rootfs:shipping-test";
        // Images a killed run left under these names (ours: the storage is private to these tests).
        List<String> leftovers = new ArrayList<>();
        for (String image : List.of(TAG, name, rootfsImage)) {
            podman.remove("image", image, leftovers);
        }
        CommandResult imported = podman.podman("import", rootfs.toString(), rootfsImage);
        if (!imported.ok()) {
            throw new AssertionError("podman import of the stand-in rootfs failed\n" + imported.describe());
        }
        String rootfsId = podman.podmanOk("image", "inspect", "--format", "{{.Id}}", rootfsImage).strip();
        Path context = podman.work().resolve("standin");
        try {
            Cli.create().check("rm", "-rf", context.toString());
            Files.createDirectories(context);
            Cli.create().check("cp", "-a", tomcatHome.toString(), context.resolve("tomcat").toString());
            Files.writeString(context.resolve("Containerfile"), """
                    # Stand-in for %1$s, built by the shipping tests.
                    FROM %2$s
                    ENV JAVA_HOME=/opt/java/openjdk
                    ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
                    ENV LANG=C.UTF-8
                    RUN set -eux; mkdir -p /opt/java; \\
                        ln -s "/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)" /opt/java/openjdk; \\
                        java -version
                    ENV CATALINA_HOME=/usr/local/tomcat
                    ENV PATH=$CATALINA_HOME/bin:$PATH
                    WORKDIR $CATALINA_HOME
                    ENV TOMCAT_NATIVE_LIBDIR=$CATALINA_HOME/native-jni-lib
                    ENV LD_LIBRARY_PATH=$TOMCAT_NATIVE_LIBDIR
                    ENV TOMCAT_MAJOR=11
                    COPY tomcat/ $CATALINA_HOME/
                    RUN set -eux; rm -f bin/*.bat bin/tomcat-native.tar.gz; mv webapps webapps.dist; mkdir webapps; \\
                        find ./bin/ -name '*.sh' -exec sed -ri 's|^#!/bin/sh$|#!/usr/bin/env bash|' '{}' +; \\
                        chmod -R +rX .; chmod 1777 logs temp work; catalina.sh version
                    EXPOSE 8080
                    ENTRYPOINT []
                    CMD ["catalina.sh", "run"]
                    """.formatted(name, rootfsImage));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the stand-in build context " + context, e);
        }
        CommandResult r = podman.buildah(Duration.ofMinutes(5), "bud", "--isolation", "chroot", "--pull=never",
                "--format", "docker", "--force-rm", "--layers=false", "-t", name, "-f",
                context.resolve("Containerfile").toString(), context.toString());
        Cli.create().run("rm", "-rf", context.toString());
        if (!r.ok()) {
            podman.remove("image", rootfsId, new ArrayList<>());
            throw new AssertionError("the stand-in base image did not build\n" + r.describe());
        }
        return List.of(podman.podmanOk("image", "inspect", "--format", "{{.Id}}", name).strip(), rootfsId);
    }

    /** The Debian mirror this machine's apt uses (deb822 or one-line sources); none is a clear failure. */
    static String debianMirror() {
        List<Path> sources = new ArrayList<>();
        sources.add(Path.of("/etc/apt/sources.list"));
        try (var list = Files.list(Path.of("/etc/apt/sources.list.d"))) {
            list.sorted().forEach(sources::add);
        } catch (IOException ignored) {
            // no sources.list.d
        }
        Pattern uri = Pattern.compile("(?m)^(?:URIs:\\s*|deb\\s+(?:\\[[^]]*]\\s+)?)(\\S+)");
        for (Path file : sources) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            Matcher m = uri.matcher(read(file));
            while (m.find()) {
                String candidate = m.group(1).replaceAll("/+$", "");
                if (candidate.endsWith("/debian")) {
                    return candidate;
                }
            }
        }
        throw new AssertionError("apt has no Debian mirror configured (a URIs: or deb line ending in /debian in "
                + sources + "); the stand-in base image installs from the mirror this machine uses");
    }

    String tag() {
        return TAG;
    }

    String id() {
        return imageId;
    }

    String baseName() {
        return baseName;
    }

    Podman podmanHandle() {
        return podman;
    }

    List<Duration> timings() {
        return timings;
    }

    /** Removes the project image and the stand-in (by ID), then unmounts what the storage left mounted. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> problems = new ArrayList<>();
        podman.remove("image", imageId, problems);
        baseIds.forEach(id -> podman.remove("image", id, problems));
        podman.unmountStorage(problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("shipping images not fully cleaned up:\n" + String.join("\n", problems));
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
