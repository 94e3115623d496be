package dev.simplestreams.shipping;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What docker/Dockerfile declares, read from its text: instructions with continuation lines joined. */
final class DockerfileFacts {

    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"]*)\"|(\\S*))");
    private static final Pattern ARG = Pattern.compile("^ARG\\s+([A-Za-z_][A-Za-z0-9_]*)=(\\S+)$");

    private final List<String> instructions;

    private DockerfileFacts(List<String> instructions) {
        this.instructions = instructions;
    }

    static DockerfileFacts read(Path dockerfile) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = null;
        for (String raw : ShippedImage.read(dockerfile).split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current == null)) {
                continue;
            }
            if (current == null) {
                current = new StringBuilder();
            }
            boolean continued = line.endsWith("\\");
            current.append(continued ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continued) {
                instructions.add(current.toString().strip().replaceAll("\\s+", " "));
                current = null;
            }
        }
        return new DockerfileFacts(instructions);
    }

    List<String> all(String keyword) {
        List<String> found = new ArrayList<>();
        for (String i : instructions) {
            if (i.toUpperCase().startsWith(keyword + " ")) {
                found.add(i.substring(keyword.length() + 1).strip());
            }
        }
        return found;
    }

    /** ENV name=value pairs, in order (values unquoted). */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : all("ENV")) {
            Matcher m = ENV_PAIR.matcher(e);
            while (m.find()) {
                env.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
            }
        }
        return env;
    }

    /** ARG defaults. */
    Map<String, String> args() {
        Map<String, String> args = new LinkedHashMap<>();
        for (String i : instructions) {
            Matcher m = ARG.matcher(i);
            if (m.matches()) {
                args.put(m.group(1), m.group(2));
            }
        }
        return args;
    }

    /** USER with ARG defaults substituted, e.g. 10001:10001. */
    String user() {
        List<String> users = all("USER");
        if (users.isEmpty()) {
            return null;
        }
        String user = users.get(users.size() - 1);
        for (Map.Entry<String, String> arg : args().entrySet()) {
            user = user.replace("${" + arg.getKey() + "}", arg.getValue()).replace("$" + arg.getKey(), arg.getValue());
        }
        return user;
    }
}
