package dev.simplestreams.signing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.bouncycastle.util.encoders.Hex;

/**
 * Public keys trusted to sign an upstream (what {@code gpg --export KEYID} writes, binary or armored), and the
 * check {@code gpgv --keyring} makes of a clear-signed document: a signature by one of these keys, valid now
 * (not expired, not revoked), over exactly the text given. What comes back is that signed text and nothing else.
 */
public final class Keyring {

    private static final byte[] CLEARSIGN_HEADER =
            "-----BEGIN PGP SIGNED MESSAGE-----".getBytes(StandardCharsets.US_ASCII);

    private final PGPPublicKeyRingCollection keys;

    private Keyring(PGPPublicKeyRingCollection keys) {
        this.keys = keys;
    }

    /** The keyring in {@code data}; {@code source} names it in messages. */
    public static Keyring read(byte[] data, String source) throws KeyException {
        PGPPublicKeyRingCollection keys;
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(data))) {
            keys = new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
        } catch (IOException | PGPException | RuntimeException e) {
            keys = null;
        }
        if (keys == null || keys.size() == 0) {
            throw new KeyException(source + " is not an OpenPGP keyring of public keys; write one with "
                    + "gpg --export KEYID > keyring.gpg");
        }
        return new Keyring(keys);
    }

    /** The fingerprints of the keys held, for messages and the status document. */
    public List<String> fingerprints() {
        List<String> fingerprints = new ArrayList<>();
        for (Iterator<PGPPublicKeyRing> rings = keys.getKeyRings(); rings.hasNext(); ) {
            fingerprints.add(SigningKey.fingerprint(rings.next().getPublicKey()));
        }
        return fingerprints;
    }

    /** The text {@code message} signs, when a key of this keyring signed it and it is intact; else why not. */
    public byte[] verify(byte[] message) throws SignatureException {
        if (!startsWith(message, CLEARSIGN_HEADER)) {
            throw new SignatureException("is not clear-signed (it does not start with '-----BEGIN PGP SIGNED "
                    + "MESSAGE-----')");
        }
        try (ArmoredInputStream armored = ArmoredInputStream.builder().build(new ByteArrayInputStream(message))) {
            List<byte[]> lines = clearTextLines(armored);
            Object next = new BcPGPObjectFactory(armored).nextObject();
            if (!(next instanceof PGPSignatureList signatures) || signatures.isEmpty()) {
                throw new SignatureException("has no signature after its text");
            }
            List<String> unknown = new ArrayList<>();
            for (PGPSignature signature : signatures) {
                PGPPublicKey key = keys.getPublicKey(signature.getKeyID());
                if (key == null) {
                    unknown.add(Hex.toHexString(longBytes(signature.getKeyID())).toUpperCase(java.util.Locale.ROOT));
                    continue;
                }
                return checked(signature, key, lines);
            }
            throw new SignatureException("is signed by key " + String.join(", ", unknown)
                    + ", which is not in the keyring (it holds " + String.join(", ", fingerprints()) + ")");
        } catch (IOException | PGPException | RuntimeException e) {
            throw new SignatureException("has a signature that cannot be read: " + e.getMessage());
        }
    }

    private byte[] checked(PGPSignature signature, PGPPublicKey key, List<byte[]> lines)
            throws PGPException, SignatureException {
        String fingerprint = SigningKey.fingerprint(key);
        if (signature.getSignatureType() != PGPSignature.CANONICAL_TEXT_DOCUMENT
                && signature.getSignatureType() != PGPSignature.BINARY_DOCUMENT) {
            throw new SignatureException("carries a signature of type " + signature.getSignatureType()
                    + " by key " + fingerprint + ", not a document signature");
        }
        PGPPublicKey primary = keys.getPublicKeyRing(signature.getKeyID()).getPublicKey();
        String invalid = KeyUse.validNow(key, primary, Instant.now());
        if (invalid != null) {
            throw new SignatureException("is signed by key " + fingerprint + ", but the key " + invalid);
        }
        signature.init(new BcPGPContentVerifierBuilderProvider(), key);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            byte[] line = lines.get(i);
            int length = CanonicalText.withoutTrailingBlanks(line, 0, line.length);
            if (i > 0) {
                signature.update(new byte[] {'\r', '\n'});
                text.write('\n');
            }
            signature.update(line, 0, length);
            text.write(line, 0, length);
        }
        if (!signature.verify()) {
            throw new SignatureException("does not match its signature by key " + fingerprint
                    + ": the text was changed after it was signed");
        }
        return text.toByteArray();
    }

    /** The dash-unescaped lines of the clear text, without line endings, as Bouncy Castle's armor reader gives. */
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

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[8];
        for (int i = 7; i >= 0; i--) {
            bytes[i] = (byte) value;
            value >>>= 8;
        }
        return bytes;
    }
}
