package dev.simplestreams.write;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A header value of the form {@code type; name=value; name="quoted value"} (Content-Type, Content-Disposition).
 * Names are case-insensitive. A backslash inside quotes keeps the next character from ending the value but is
 * kept as it was sent, so a file name reaches the layout checks unaltered.
 */
record HeaderParameters(String type, Map<String, String> parameters) {

    /** {@code refusal} turns what is wrong with the header into the answer its caller gives. */
    static HeaderParameters parse(String header, Function<String, WriteException> refusal) throws WriteException {
        int semicolon = header.indexOf(';');
        String type = (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        Map<String, String> parameters = new LinkedHashMap<>();
        int i = semicolon < 0 ? header.length() : semicolon + 1;
        while (i < header.length()) {
            int equals = header.indexOf('=', i);
            int next = header.indexOf(';', i);
            if (equals < 0 || next >= 0 && next < equals) {
                // A bare word such as a trailing ';' carries no value: skip it.
                i = next < 0 ? header.length() : next + 1;
                continue;
            }
            String name = header.substring(i, equals).trim().toLowerCase(Locale.ROOT);
            int start = equals + 1;
            while (start < header.length() && header.charAt(start) == ' ') {
                start++;
            }
            String value;
            if (start < header.length() && header.charAt(start) == '"') {
                int end = closingQuote(header, start + 1);
                if (end < 0) {
                    throw refusal.apply("the " + name + " parameter's quoted value is not closed");
                }
                value = header.substring(start + 1, end);
                int after = header.indexOf(';', end + 1);
                i = after < 0 ? header.length() : after + 1;
            } else {
                int end = header.indexOf(';', start);
                value = header.substring(start, end < 0 ? header.length() : end).trim();
                i = end < 0 ? header.length() : end + 1;
            }
            if (parameters.putIfAbsent(name, value) != null) {
                throw refusal.apply("the parameter " + name + " is given twice");
            }
        }
        return new HeaderParameters(type, parameters);
    }

    String get(String name) {
        return parameters.get(name);
    }

    private static int closingQuote(String header, int from) {
        for (int i = from; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }
}
