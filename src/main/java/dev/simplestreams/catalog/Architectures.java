package dev.simplestreams.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Architecture names the LXD and Incus clients understand. A product whose {@code arch} is not one of
 * these is silently dropped by the clients, so the directory layout only accepts these spellings
 * (exact, case-sensitive).
 */
public final class Architectures {

    /** Kernel name (what metadata.yaml usually says) to every spelling the clients accept for it. */
    private static final Map<String, List<String>> FAMILIES = new LinkedHashMap<>();

    static {
        FAMILIES.put("x86_64", List.of("x86_64", "amd64", "generic_64"));
        FAMILIES.put("i686", List.of("i686", "i386", "i586", "386", "x86", "generic_32"));
        FAMILIES.put("aarch64", List.of("aarch64", "arm64", "arm64_generic"));
        FAMILIES.put("armv7l", List.of("armv7l", "armhf", "armhfp", "armv7", "armv7a_hardfp",
                "armv7a_vfpv3_hardfp"));
        // The clients map "arm" to armv6l, not armv7l.
        FAMILIES.put("armv6l", List.of("armv6l", "armel", "arm"));
        FAMILIES.put("ppc", List.of("ppc", "powerpc"));
        FAMILIES.put("ppc64", List.of("ppc64", "powerpc64"));
        FAMILIES.put("ppc64le", List.of("ppc64le", "ppc64el"));
        FAMILIES.put("s390x", List.of("s390x"));
        // The clients know one 32-bit and one 64-bit MIPS, whatever the byte order; mipsel and mips64el are
        // the spellings every client knows (LXD 5.0.2 predates mipsle and mips64le).
        FAMILIES.put("mips", List.of("mips", "mipsel", "mipsle"));
        FAMILIES.put("mips64", List.of("mips64", "mips64el", "mips64le"));
        FAMILIES.put("riscv32", List.of("riscv32"));
        FAMILIES.put("riscv64", List.of("riscv64"));
        FAMILIES.put("loongarch64", List.of("loongarch64"));
    }

    private Architectures() {
    }

    /** The kernel name for any accepted spelling, e.g. {@code amd64 -> x86_64}. */
    public static Optional<String> kernelName(String name) {
        for (Map.Entry<String, List<String>> family : FAMILIES.entrySet()) {
            if (family.getValue().contains(name)) {
                return Optional.of(family.getKey());
            }
        }
        return Optional.empty();
    }

    public static boolean isKnown(String name) {
        return kernelName(name).isPresent();
    }

    /** True when both names denote the same architecture, e.g. {@code amd64} and {@code x86_64}. */
    public static boolean same(String a, String b) {
        Optional<String> ka = kernelName(a);
        return ka.isPresent() && ka.equals(kernelName(b));
    }

    /** The Debian-style spelling used in directory names, for placing uploads by their metadata.yaml. */
    public static Optional<String> directoryName(String name) {
        return kernelName(name).map(kernel -> switch (kernel) {
            case "x86_64" -> "amd64";
            case "i686" -> "i386";
            case "aarch64" -> "arm64";
            case "armv7l" -> "armhf";
            case "armv6l" -> "armel";
            case "ppc64le" -> "ppc64el";
            default -> kernel;
        });
    }

    public static String describeAccepted() {
        return String.join(", ", FAMILIES.values().stream().flatMap(List::stream).toList());
    }
}
