package dev.simplestreams.catalog;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Names what the first bytes of a file look like, so that a refusal can say "is an HTML page" instead of only
 * "is not a squashfs": the usual mistakes are a file of the wrong kind, an error page saved by a download,
 * or a text file.
 */
final class ContentSniffer {

    private record Signature(int offset, byte[] magic, String name) {
    }

    private static final List<Signature> SIGNATURES = List.of(
            new Signature(0, new byte[] {'h', 's', 'q', 's'}, "a squashfs filesystem"),
            new Signature(0, new byte[] {'Q', 'F', 'I', (byte) 0xfb}, "a qcow2 disk image"),
            new Signature(0, new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}, "an xz-compressed file"),
            new Signature(0, new byte[] {0x1f, (byte) 0x8b}, "a gzip-compressed file"),
            new Signature(0, new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, "a zstd-compressed file"),
            new Signature(0, new byte[] {'B', 'Z', 'h'}, "a bzip2-compressed file"),
            new Signature(0, new byte[] {(byte) 0xd6, (byte) 0xc3, (byte) 0xc4}, "a VCDIFF delta"),
            new Signature(0, new byte[] {0x7f, 'E', 'L', 'F'}, "an ELF executable"),
            new Signature(0, new byte[] {'P', 'K', 3, 4}, "a ZIP archive"),
            new Signature(0, new byte[] {'v', 'h', 'd', 'x', 'f', 'i', 'l', 'e'}, "a VHDX disk image"),
            new Signature(0, new byte[] {'K', 'D', 'M', 'V'}, "a VMDK disk image"),
            new Signature(257, new byte[] {'u', 's', 't', 'a', 'r'}, "an uncompressed tar archive"),
            new Signature(510, new byte[] {0x55, (byte) 0xaa}, "a raw disk image (with a partition table)"));

    private static final int TEXT_SHOWN = 40;

    private ContentSniffer() {
    }

    static String describe(byte[] head, int length) {
        if (length == 0) {
            return "empty";
        }
        for (Signature signature : SIGNATURES) {
            int end = signature.offset() + signature.magic().length;
            if (length >= end && java.util.Arrays.equals(head, signature.offset(), end, signature.magic(), 0,
                    signature.magic().length)) {
                return signature.name();
            }
        }
        if (isText(head, length)) {
            String text = new String(head, 0, length, StandardCharsets.UTF_8).stripLeading();
            String lower = text.toLowerCase(java.util.Locale.ROOT);
            String kind = lower.startsWith("<!doctype html") || lower.startsWith("<html") ? "an HTML page"
                    : lower.startsWith("{") || lower.startsWith("[") ? "JSON or other text" : "a text file";
            return kind + " (starting '" + printable(text) + "')";
        }
        return "unrecognised binary data";
    }

    private static boolean isText(byte[] head, int length) {
        for (int i = 0; i < Math.min(length, 512); i++) {
            int b = head[i] & 0xff;
            if (b < 0x09 || b > 0x0d && b < 0x20 || b == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** The start of the text on one line, so a log line stays one line and says nothing the file did not. */
    private static String printable(String text) {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < text.length() && shown.length() < TEXT_SHOWN; i++) {
            char c = text.charAt(i);
            shown.append(Character.isISOControl(c) ? ' ' : c);
        }
        return shown.toString().strip() + (text.length() > TEXT_SHOWN ? "..." : "");
    }
}
