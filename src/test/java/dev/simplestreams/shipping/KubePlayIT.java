package dev.simplestreams.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.CommandResult;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.ImageFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Kubernetes manifests, run: what {@code kubectl apply -k kubernetes/single-server/} would apply, in a copy changed only as
 * a local run needs (the image is the one built here, never pulled; a hostPort on 127.0.0.1), given to
 * {@code podman kube play}. The Deployment's pod starts with the manifest's security context, resources, Secret
 * and PVC; it becomes ready and serves the catalogue from the PVC, where an upload with the Secret's credentials
 * lands. podman ignores Namespace, Service and Ingress, which the schema test checks instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ShippedImage.Resolver.class)
class KubePlayIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> pods = new ArrayList<>();
    private final List<String> volumes = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();
    private Podman podman;
    private Path play;
    private Path work;
    private int port;
    private LoopbackHttp http;
    private String user;
    private String password;
    private String container;
    private String claim;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void play(ShippedImage image) throws Exception {
        podman = image.podmanHandle();
        work = Files.createTempDirectory(Path.of("/tmp"), "ss-kube-it");
        port = LoopbackHttp.freePort();
        http = new LoopbackHttp(port);
        List<Map<String, Object>> docs = Manifests.rendered(Manifests.SINGLE_SERVER);
        List<Map<String, Object>> copy = new ArrayList<>();
        for (Map<String, Object> doc : docs) {
            switch ((String) doc.get("kind")) {
                case "Deployment" -> {
                    Map<String, Object> c = Manifests.containers(doc).get(0);
                    c.put("image", image.tag());
                    c.put("imagePullPolicy", "Never");
                    Map<String, Object> p = ((List<Map<String, Object>>) c.get("ports")).get(0);
                    p.put("hostPort", port);
                    p.put("hostIP", "127.0.0.1");
                    Map<String, Object> metadata = (Map<String, Object>) doc.get("metadata");
                    container = metadata.get("name") + "-pod-0-" + c.get("name");
                    pods.add(metadata.get("name") + "-pod-0");
                    Map<String, Object> podSpec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                            doc.get("spec")).get("template")).get("spec");
                    Map<String, Object> volume = ((List<Map<String, Object>>) podSpec.get("volumes")).get(0);
                    claim = (String) ((Map<String, Object>) volume.get("persistentVolumeClaim")).get("claimName");
                    copy.add(doc);
                }
                case "PersistentVolumeClaim" -> {
                    volumes.add((String) ((Map<String, Object>) doc.get("metadata")).get("name"));
                    copy.add(doc);
                }
                case "Secret" -> {
                    // podman 4.3 stores a Secret document in a form its own envFrom cannot read back (podman issue
                    // 16269), so the Secret goes in as the podman secret of the same name, holding its data.
                    String name = (String) ((Map<String, Object>) doc.get("metadata")).get("name");
                    Map<String, Object> data = (Map<String, Object>) doc.get("data");
                    user = decode(data.get("UPLOAD_USER"));
                    password = decode(data.get("UPLOAD_PASSWORD"));
                    Path file = Files.writeString(work.resolve("secret.json"), JSON.writeValueAsString(data));
                    podman.remove("secret", name, new ArrayList<>());
                    secrets.add(name);
                    podman.podmanOk("secret", "create", name, file.toString());
                }
                default -> copy.add(doc);
            }
        }
        // A run killed half-way leaves these fixed names behind in the private storage: ours, removed by name.
        List<String> leftovers = new ArrayList<>();
        pods.forEach(p -> podman.remove("pod", p, leftovers));
        volumes.forEach(v -> podman.remove("volume", v, leftovers));
        assertEquals(List.of(), leftovers);
        play = Files.writeString(work.resolve("play.yaml"), Manifests.dump(copy));
        long t0 = System.nanoTime();
        CommandResult r = podman.podman("kube", "play", "--network", "slirp4netns", play.toString());
        if (!r.ok()) {
            throw new AssertionError("podman kube play failed\n" + r.describe() + "\n--- play.yaml ---\n"
                    + Files.readString(play));
        }
        awaitReady(Duration.ofSeconds(120));
        System.out.printf("[shipping] kube play: pod ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    void down() {
        List<String> problems = new ArrayList<>();
        if (podman != null) {
            if (play != null) {
                podman.podman("kube", "down", play.toString());
            }
            pods.forEach(p -> podman.remove("pod", p, problems));
            volumes.forEach(v -> podman.remove("volume", v, problems));
            secrets.forEach(s -> podman.remove("secret", s, problems));
            // kube play built podman's pause image for the pod's infra container.
            String version = podman.podman("version", "--format", "{{.Client.Version}}").stdout().strip();
            podman.remove("image", "localhost/podman-pause:" + version + "-0", problems);
        }
        if (work != null) {
            Cli.create().run("rm", "-rf", work.toString());
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void thePodBecomesReadyAndServesTheCatalogueFromThePvc() throws Exception {
        assertEquals(200, http.status("/readyz"));
        JsonNode index = JSON.readTree(http.get("/streams/v1/index.json"));
        assertEquals("index:1.0", index.get("format").asText(), index::toString);

        // An upload with the Secret's credentials lands on the PVC and shows up in the catalogue.
        String arch = ImageFactory.hostArch();
        String dirArch = dev.simplestreams.catalog.Architectures.directoryName(arch).orElseThrow();
        String dir = "busybox/kube/" + dirArch + "/default/20261101_10:00";
        Path meta = ImageFactory.metadataTarball(work.resolve("lxd.tar.xz"), arch, "busybox", "kube", "default",
                "busybox via kube play");
        Path root = ImageFactory.squashfs(ImageFactory.rootfsDir(work.resolve("rootfs")),
                work.resolve("rootfs.squashfs"));
        for (Path file : List.of(meta, root)) {
            assertEquals(201, LoopbackHttp.curl("-u", user + ":" + password, "-F",
                    "upload=@" + file + ";filename=" + dir + "/" + file.getFileName(), http.url("/images/")));
        }
        JsonNode products = JSON.readTree(http.get("/streams/v1/index.json")).at("/index/images/products");
        assertTrue(products.toString().contains("busybox:kube:" + dirArch + ":default"), products::toString);
        Path mountpoint = Path.of(podman.podmanOk("volume", "inspect", "--format", "{{.Mountpoint}}", claim).strip());
        assertTrue(Files.isRegularFile(mountpoint.resolve("images/" + dir + "/rootfs.squashfs")),
                "the upload is on the PVC's volume " + mountpoint);
    }

    @Test
    void thePodRunsWithTheManifestsSecurityContextAndLimits() {
        assertEquals("10001", podman.podmanOk("exec", container, "id", "-u").strip());
        assertTrue(podman.podmanOk("exec", container, "id", "-G").strip().contains("10001"));
        // limits.memory 1Gi, and the JVM's heap is half of it.
        assertEquals(String.valueOf(1L << 30),
                podman.podmanOk("inspect", "--format", "{{.HostConfig.Memory}}", container).strip());
        assertTrue(podman.podmanOk("inspect", "--format", "{{.HostConfig.SecurityOpt}}", container)
                .contains("no-new-privileges"), "allowPrivilegeEscalation: false");
    }

    private void awaitReady(Duration limit) {
        Eventually.until("the pod to be ready", limit, () -> http.status("/readyz") == 200, () -> {
            CommandResult logs = podman.podman("logs", "--tail", "60", container);
            return podman.podman("pod", "ps").stdout() + "\n" + logs.stdout() + logs.stderr();
        });
    }

    private static String decode(Object base64) {
        return new String(Base64.getDecoder().decode(String.valueOf(base64)), StandardCharsets.UTF_8);
    }
}
