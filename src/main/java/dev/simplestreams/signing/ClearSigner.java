package dev.simplestreams.signing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;

/**
 * Clear-signs documents as {@code gpg --clearsign} does (RFC 9580, section 7): the text as it is, with lines
 * that start with '-' dash-escaped ("- "), then a signature over its canonical form (each line without trailing
 * blanks, lines joined with CR LF). The line ending written after the text is not part of what is signed, so a
 * verifier recovers the document exactly. Safe for concurrent use.
 */
public final class ClearSigner {

    private static final int HASH = HashAlgorithmTags.SHA512;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CLEARTEXT_HEADER = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DASH_ESCAPE = {'-', ' '};

    private final SigningKey key;

    public ClearSigner(SigningKey key) {
        this.key = key;
    }

    public String fingerprint() {
        return key.fingerprint();
    }

    public byte[] sign(byte[] text) {
        try {
            PGPSignatureGenerator generator = new CanonicalTextSignatureGenerator(
                    new BcPGPContentSignerBuilder(key.publicKey().getAlgorithm(), HASH), key.publicKey());
            generator.init(PGPSignature.CANONICAL_TEXT_DOCUMENT, key.privateKey());
            PGPSignatureSubpacketGenerator subpackets = new PGPSignatureSubpacketGenerator();
            subpackets.setSignatureCreationTime(false, new Date());
            subpackets.setIssuerFingerprint(false, key.publicKey());
            generator.setHashedSubpackets(subpackets.generate());
            ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + text.length / 64 + 1024);
            // The cleartext frame is written here rather than through ArmoredOutputStream's cleartext mode,
            // which takes the text one byte per call and made signing a catalogue of 10,000 versions ten times
            // slower than hashing it; the signature block itself is armored by Bouncy Castle.
            out.write(CLEARTEXT_HEADER);
            int start = 0;
            for (int i = 0; i <= text.length; i++) {
                if (i == text.length || text[i] == '\n') {
                    if (start > 0) {
                        generator.update(CRLF);
                    }
                    generator.update(text, start, CanonicalText.withoutTrailingBlanks(text, start, i) - start);
                    if (i > start && text[start] == '-') {
                        out.write(DASH_ESCAPE);
                    }
                    out.write(text, start, i - start);
                    out.write('\n');
                    start = i + 1;
                }
            }
            ArmoredOutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(out);
            generator.generate().encode(new BCPGOutputStream(armored));
            armored.close();
            return out.toByteArray();
        } catch (PGPException e) {
            throw new IllegalStateException("signing with key " + key.fingerprint() + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
