package dev.simplestreams.signing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.sig.IssuerFingerprint;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.util.encoders.Hex;

/**
 * A clear-signed message taken apart, not yet verified: the dash-unescaped lines of its text and its signatures,
 * read with Bouncy Castle's armor reader. {@link #text} is what a valid signature covers, lines joined with LF.
 */
public final class ClearSignedMessage {

    private static final byte[] HEADER = "-----BEGIN PGP SIGNED MESSAGE-----".getBytes(StandardCharsets.US_ASCII);

    private final List<byte[]> lines;
    private final List<PGPSignature> signatures;

    private ClearSignedMessage(List<byte[]> lines, List<PGPSignature> signatures) {
        this.lines = lines;
        this.signatures = signatures;
    }

    public static ClearSignedMessage parse(byte[] message) throws SignatureException {
        if (!startsWith(message, HEADER)) {
            throw new SignatureException("is not clear-signed (it does not start with '-----BEGIN PGP SIGNED "
                    + "MESSAGE-----')");
        }
        try (ArmoredInputStream armored = ArmoredInputStream.builder().build(new ByteArrayInputStream(message))) {
            List<byte[]> lines = clearTextLines(armored);
            Object next = new BcPGPObjectFactory(armored).nextObject();
            if (!(next instanceof PGPSignatureList list) || list.isEmpty()) {
                throw new SignatureException("has no signature after its text");
            }
            List<PGPSignature> signatures = new ArrayList<>();
            list.forEach(signatures::add);
            return new ClearSignedMessage(lines, List.copyOf(signatures));
        } catch (IOException | RuntimeException e) {
            throw new SignatureException("has a signature that cannot be read: " + e.getMessage());
        }
    }

    /** The signed text: each line without trailing blanks (they are not signed), joined with LF. */
    public byte[] text() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            byte[] line = lines.get(i);
            if (i > 0) {
                text.write('\n');
            }
            text.write(line, 0, CanonicalText.withoutTrailingBlanks(line, 0, line.length));
        }
        return text.toByteArray();
    }

    /**
     * Who the first signature says made it, unverified: the issuer fingerprint it carries (as this server and
     * current gpg write), else its key id; upper-case hex.
     */
    public String signer() {
        PGPSignature signature = signatures.get(0);
        PGPSignatureSubpacketVector hashed = signature.getHashedSubPackets();
        IssuerFingerprint issuer = hashed == null ? null : hashed.getIssuerFingerprint();
        return issuer != null ? Hex.toHexString(issuer.getFingerprint()).toUpperCase(Locale.ROOT) : keyId(signature);
    }

    List<byte[]> lines() {
        return lines;
    }

    List<PGPSignature> signatures() {
        return signatures;
    }

    static String keyId(PGPSignature signature) {
        long id = signature.getKeyID();
        byte[] bytes = new byte[8];
        for (int i = 7; i >= 0; i--) {
            bytes[i] = (byte) id;
            id >>>= 8;
        }
        return Hex.toHexString(bytes).toUpperCase(Locale.ROOT);
    }

    /** The dash-unescaped lines of the clear text, without line endings, as the armor reader gives them. */
    private static List<byte[]> clearTextLines(ArmoredInputStream in) throws IOException, SignatureException {
        if (!in.isClearText()) {
            throw new SignatureException("is not clear-signed text");
        }
        List<byte[]> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int next = in.read();
        while (next >= 0) {
            line.reset();
            while (next >= 0 && next != '\n' && next != '\r') {
                line.write(next);
                next = in.read();
            }
            if (next == '\r') {
                next = in.read();
                if (next == '\n') {
                    next = in.read();
                }
            } else if (next == '\n') {
                next = in.read();
            }
            lines.add(line.toByteArray());
            if (!in.isClearText()) {
                break;
            }
        }
        return lines;
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
