package dev.simplestreams.catalog;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * Writes the products documents index.json names. A catalogue of up to {@code documentBytes} is one document,
 * {@code streams/v1/images.json}, as simplestreams servers usually publish. A larger one is split into 2, 4, 8...
 * documents ({@code streams/v1/images-<n>.json}), each product in the one its id hashes to, so that an upload
 * rewrites and signs one document of about that size instead of the whole catalogue (8 MB at 10,000 versions).
 * LXD and Incus read every products document index.json names. The whole catalogue as one images.json, for those
 * who read it directly, is made from the same bytes only when asked for.
 *
 * <p>Each product's bytes are kept, so that the next catalogue re-serialises only the products that changed, and a
 * document none of whose products changed is kept as it was, its {@code updated} included. The bytes are exactly
 * those Jackson writes for {@link Products}. Not thread-safe: one publisher uses it at a time.
 */
public final class ProductsDocuments {

    /** A client reads every document each time it lists a remote: the split stops here whatever the size. */
    static final int MAX_DOCUMENTS = 64;

    /**
     * One products document: its content id (its key in index.json), where it is published, the ids of the
     * products it holds in order, when it last changed, and its bytes.
     */
    public record Document(String contentId, String path, List<String> productIds, String updated, byte[] json) {
    }

    /** A catalogue's documents in path order, and what makes the whole catalogue as one document. */
    public record Written(List<Document> documents, Supplier<byte[]> whole) {
    }

    /** A product as last serialised: {@code "id":{...}}, ready to be joined into a document. */
    private record Member(Product product, byte[] json, long hash) {
    }

    private record Kept(Document document, List<byte[]> members) {
    }

    private final long documentBytes;
    private Map<String, Member> members = Map.of();
    private Map<String, Kept> documents = Map.of();

    /** {@code documentBytes}: the size above which the catalogue is split into several documents. */
    public ProductsDocuments(long documentBytes) {
        if (documentBytes <= 0) {
            throw new IllegalArgumentException("a products document must be allowed at least one byte");
        }
        this.documentBytes = documentBytes;
    }

    /** The whole catalogue as one document, as images.json of a catalogue not split. */
    public static byte[] whole(SortedMap<String, Product> products, String updated) {
        return new ProductsDocuments(Long.MAX_VALUE).write(products, updated).whole().get();
    }

    public Written write(SortedMap<String, Product> products, String updated) {
        Map<String, Member> now = new HashMap<>();
        List<String> ids = new ArrayList<>(products.size());
        List<Member> written = new ArrayList<>(products.size());
        long total = 0;
        for (Map.Entry<String, Product> entry : products.entrySet()) {
            Member member = members.get(entry.getKey());
            if (member == null || member.product() != entry.getValue() && !member.product().equals(entry.getValue())) {
                member = member(entry.getKey(), entry.getValue());
            }
            now.put(entry.getKey(), member);
            ids.add(entry.getKey());
            written.add(member);
            total += member.json().length;
        }
        members = now;
        int count = 1;
        while (count < MAX_DOCUMENTS && total / count > documentBytes) {
            count *= 2;
        }
        List<List<Integer>> byDocument = new ArrayList<>(count);
        for (int d = 0; d < count; d++) {
            byDocument.add(new ArrayList<>());
        }
        for (int i = 0; i < written.size(); i++) {
            byDocument.get((int) (written.get(i).hash() % count)).add(i);
        }
        Map<String, Kept> kept = new HashMap<>();
        List<Document> result = new ArrayList<>(count);
        for (int d = 0; d < count; d++) {
            if (count > 1 && byDocument.get(d).isEmpty()) {
                continue;
            }
            List<String> documentIds = new ArrayList<>();
            List<byte[]> documentMembers = new ArrayList<>();
            for (int i : byDocument.get(d)) {
                documentIds.add(ids.get(i));
                documentMembers.add(written.get(i).json());
            }
            String contentId = count == 1 ? Products.CONTENT_ID : Products.CONTENT_ID + "-" + d;
            String path = Layout.STREAMS + "/" + contentId + ".json";
            Kept before = documents.get(path);
            Kept document = before != null && before.document().productIds().equals(documentIds)
                    && sameArrays(before.members(), documentMembers) ? before
                    : new Kept(new Document(contentId, path, List.copyOf(documentIds), updated,
                            join(contentId, documentMembers, updated)), documentMembers);
            kept.put(path, document);
            result.add(document.document());
        }
        documents = kept;
        result.sort((a, b) -> a.path().compareTo(b.path()));
        if (count == 1) {
            byte[] only = result.get(0).json();
            return new Written(List.copyOf(result), () -> only);
        }
        List<byte[]> all = written.stream().map(Member::json).toList();
        return new Written(List.copyOf(result), () -> join(Products.CONTENT_ID, all, updated));
    }

    private static boolean sameArrays(List<byte[]> before, List<byte[]> now) {
        if (before.size() != now.size()) {
            return false;
        }
        for (int i = 0; i < now.size(); i++) {
            if (before.get(i) != now.get(i)) {
                return false;
            }
        }
        return true;
    }

    private static Member member(String id, Product product) {
        byte[] key = (quote(id) + ":").getBytes(StandardCharsets.UTF_8);
        byte[] value = json(product);
        byte[] member = new byte[key.length + value.length];
        System.arraycopy(key, 0, member, 0, key.length);
        System.arraycopy(value, 0, member, key.length, value.length);
        // Ids differ in a character or two (os:p1, os:p2...): a cryptographic digest spreads them evenly.
        byte[] digest = Sha256.newDigest().digest(id.getBytes(StandardCharsets.UTF_8));
        return new Member(product, member, ByteBuffer.wrap(digest).getLong() & Long.MAX_VALUE);
    }

    /** The members of Products in its (alphabetical) order, the products joined from their kept bytes. */
    private static byte[] join(String contentId, List<byte[]> members, String updated) {
        byte[] head = ("{\"content_id\":" + quote(contentId) + ",\"datatype\":" + quote(Products.DATATYPE)
                + ",\"format\":" + quote(Products.FORMAT) + ",\"products\":{").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("},\"updated\":" + quote(updated) + "}").getBytes(StandardCharsets.UTF_8);
        long size = head.length + tail.length + Math.max(0, members.size() - 1);
        for (byte[] member : members) {
            size += member.length;
        }
        // One array of the exact size: with a 256 MiB heap an 8 MB array is a humongous object for G1, and
        // growing a buffer and copying it out made two more of them per catalogue, each forcing a collection.
        byte[] document = new byte[Math.toIntExact(size)];
        System.arraycopy(head, 0, document, 0, head.length);
        int at = head.length;
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) {
                document[at++] = ',';
            }
            byte[] member = members.get(i);
            System.arraycopy(member, 0, document, at, member.length);
            at += member.length;
        }
        System.arraycopy(tail, 0, document, at, tail.length);
        return document;
    }

    private static String quote(String text) {
        return new String(json(text), StandardCharsets.UTF_8);
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the catalogue model is always serialisable", e);
        }
    }
}
