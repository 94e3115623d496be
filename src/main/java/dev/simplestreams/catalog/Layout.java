package dev.simplestreams.catalog;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository layout {@code images/<os>/<release>/<arch>/<variant>/<version>/<file>} and the rules for
 * each level. Every name that ends up in the catalogue passes through here.
 */
public final class Layout {

    public static final String IMAGES = "images";
    public static final String STREAMS = "streams/v1";

    /** Letters, digits, dot, dash, underscore: nothing that clients split on (',', ':', '/', spaces). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /**
     * Clients parse the first eight characters as a date and order versions as strings, so one spelling only:
     * with two ({@code _1230} and {@code _12:05}) the string order would disagree with time.
     */
    private static final Pattern VERSION = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})_(\\d{2}):(\\d{2})");
    public static final String VERSION_RULE = "YYYYMMDD_HH:MM (for example 20261125_14:05)";

    private static final String[] LEVELS = {"os", "release", "arch", "variant"};

    private Layout() {
    }

    /**
     * Names other tools use while a file is still being written (rsync's {@code .name.XXXXXX}, browsers'
     * {@code .part}, editors' {@code ~}) and our own temporaries: never published, never an error.
     */
    public static boolean isIgnoredName(String name) {
        return name.startsWith(".") || name.endsWith(".part") || name.endsWith(".tmp") || name.endsWith("~")
                || name.endsWith(".partial");
    }

    public static boolean isVersionName(String name) {
        Matcher m = VERSION.matcher(name);
        if (!m.matches()) {
            return false;
        }
        try {
            LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** Parses {@code images/os/release/arch/variant/version} (a version directory). */
    public static VersionKey parseVersionDirectory(String relative) throws LayoutException {
        String[] parts = split(relative, 6, "images/<os>/<release>/<arch>/<variant>/<version>");
        return versionKey(parts);
    }

    /** Parses {@code images/os/release/arch/variant/version/file} and checks the file kind. */
    public static ImageFile parseFile(String relative) throws LayoutException {
        String[] parts = split(relative, 7, "images/<os>/<release>/<arch>/<variant>/<version>/<file>");
        VersionKey version = versionKey(parts);
        String name = parts[6];
        FileKind.Recognised recognised = FileKind.recognise(name).orElseThrow(() -> new LayoutException(
                "'" + name + "' is not a known image file name; use one of: " + FileKind.describeAccepted()));
        return new ImageFile(version, name, recognised.kind(), recognised.deltaBase());
    }

    public static ProductKey productKey(String os, String release, String arch, String variant) throws LayoutException {
        String[] values = {os, release, arch, variant};
        for (int i = 0; i < values.length; i++) {
            checkName(LEVELS[i], values[i]);
        }
        if (!Architectures.isKnown(arch)) {
            throw new LayoutException("architecture '" + arch + "' is not one LXD/Incus clients know; use one of: "
                    + Architectures.describeAccepted());
        }
        return new ProductKey(os, release, arch, variant);
    }

    public static VersionKey versionKey(ProductKey product, String version) throws LayoutException {
        if (!isVersionName(version)) {
            throw new LayoutException("version directory '" + version + "' is not a date; use " + VERSION_RULE);
        }
        return new VersionKey(product, version);
    }

    private static VersionKey versionKey(String[] parts) throws LayoutException {
        return versionKey(productKey(parts[1], parts[2], parts[3], parts[4]), parts[5]);
    }

    private static void checkName(String level, String value) throws LayoutException {
        if (!NAME.matcher(value).matches()) {
            throw new LayoutException(level + " '" + value + "' is not allowed; use 1-64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit");
        }
    }

    private static String[] split(String relative, int depth, String expected) throws LayoutException {
        String[] parts = relative.split("/", -1);
        if (parts.length != depth || !IMAGES.equals(parts[0])) {
            throw new LayoutException("'" + relative + "' does not follow the layout " + expected);
        }
        return parts;
    }
}
