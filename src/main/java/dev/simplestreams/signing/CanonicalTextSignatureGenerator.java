package dev.simplestreams.signing;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.PGPContentSignerBuilder;

/**
 * Bouncy Castle's generator hashes a text signature one byte per call, to turn line endings into CR LF as it
 * goes; over an images.json of 10,000 versions (8 MB) that made signing cost more than writing the catalog.
 * A run with no CR or LF in it has nothing to turn, and its bytes are hashed exactly as one by one: so such a run
 * is handed on whole. Any other run takes the byte-wise path, so the result never differs from the stock one.
 */
final class CanonicalTextSignatureGenerator extends PGPSignatureGenerator {

    CanonicalTextSignatureGenerator(PGPContentSignerBuilder builder, PGPPublicKey key) {
        super(builder, key);
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
        if (length == 0 || lastb == '\r' || legacyTextSigOut != null || hasLineBreak(bytes, offset, length)) {
            super.update(bytes, offset, length);
            return;
        }
        blockUpdate(bytes, offset, length);
        lastb = bytes[offset + length - 1];
    }

    private static boolean hasLineBreak(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == '\r' || bytes[i] == '\n') {
                return true;
            }
        }
        return false;
    }
}
