package dev.simplestreams.signing;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.PGPContentSignerBuilder;

/**
 * Bouncy Castle's generator hashes a text signature one byte per call, to turn line endings into CR LF as it
 * goes; over an images.json of 10,000 versions (8 MB) that made signing cost more than writing the catalog.
 * A line without a CR has nothing to turn, and its bytes are hashed exactly as one by one: so such a line is
 * handed on whole. Any other takes the byte-wise path, so the result never differs from the stock one.
 */
final class CanonicalTextSignatureGenerator extends PGPSignatureGenerator {

    CanonicalTextSignatureGenerator(PGPContentSignerBuilder builder, PGPPublicKey key) {
        super(builder, key);
    }

    /** Hashes one line, without its LF; {@code carriageReturn}: the caller saw a CR in it. */
    void updateLine(byte[] bytes, int offset, int length, boolean carriageReturn) {
        if (carriageReturn || length == 0 || lastb == '\r' || legacyTextSigOut != null) {
            update(bytes, offset, length);
            return;
        }
        blockUpdate(bytes, offset, length);
        lastb = bytes[offset + length - 1];
    }
}
