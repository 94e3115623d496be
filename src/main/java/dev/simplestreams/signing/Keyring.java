package dev.simplestreams.signing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Public keys trusted to sign an upstream (what {@code gpg --export KEYID} writes, binary or armored), and the
 * check {@code gpgv --keyring} makes of a clear-signed document: a signature by one of these keys, valid now
 * (not expired, not revoked), over exactly the text given. What comes back is that signed text and nothing else.
 */
public final class Keyring {

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
        ClearSignedMessage parsed = ClearSignedMessage.parse(message);
        List<String> unknown = new ArrayList<>();
        for (PGPSignature signature : parsed.signatures()) {
            PGPPublicKey key = keys.getPublicKey(signature.getKeyID());
            if (key == null) {
                unknown.add(ClearSignedMessage.keyId(signature));
                continue;
            }
            try {
                return checked(signature, key, parsed);
            } catch (PGPException | RuntimeException e) {
                throw new SignatureException("has a signature that cannot be checked: " + e.getMessage());
            }
        }
        throw new SignatureException("is signed by key " + String.join(", ", unknown)
                + ", which is not in the keyring (it holds " + String.join(", ", fingerprints()) + ")");
    }

    private byte[] checked(PGPSignature signature, PGPPublicKey key, ClearSignedMessage message)
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
        List<byte[]> lines = message.lines();
        for (int i = 0; i < lines.size(); i++) {
            byte[] line = lines.get(i);
            if (i > 0) {
                signature.update(new byte[] {'\r', '\n'});
            }
            signature.update(line, 0, CanonicalText.withoutTrailingBlanks(line, 0, line.length));
        }
        if (!signature.verify()) {
            throw new SignatureException("does not match its signature by key " + fingerprint
                    + ": the text was changed after it was signed");
        }
        return message.text();
    }
}
