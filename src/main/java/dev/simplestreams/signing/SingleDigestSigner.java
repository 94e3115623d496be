package dev.simplestreams.signing;

import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.operator.PGPContentSigner;
import org.bouncycastle.openpgp.operator.PGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyConverter;

/**
 * Signs over one SHA-256 of the document, computed by the JDK. Bouncy Castle's JCA signer passes every byte
 * through two digests: the one whose first bytes go into the signature packet, and a second one that is signed
 * (for RSA and ECDSA, the JDK signature's own): over an 8 MB images.json that second pass was about a third of
 * the time signing took. Here one digest serves both: EdDSA signs it as it is, RSA its PKCS#1 DigestInfo and ECDSA
 * the digest, which is what OpenPGP signs with each (RFC 9580). Ed25519 signs with Bouncy Castle's implementation
 * of RFC 8032, whose signatures are the JDK's byte for byte (the scheme is deterministic) in a tenth of the time:
 * about 0.7 ms per signature in the JDK 17 was most of what signing a products document cost.
 */
final class SingleDigestSigner implements PGPContentSignerBuilder {

    /** The DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256 (RFC 8017, section 9.2, note 1). */
    private static final byte[] SHA256_DIGEST_INFO = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48,
        0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

    private final int keyAlgorithm;
    private final String jdkAlgorithm;
    private final PrivateKey jdkKey;
    private final Ed25519PrivateKeyParameters ed25519;

    private SingleDigestSigner(int keyAlgorithm, String jdkAlgorithm, PrivateKey jdkKey) {
        this.keyAlgorithm = keyAlgorithm;
        this.jdkAlgorithm = jdkAlgorithm;
        this.jdkKey = jdkKey;
        this.ed25519 = jdkKey instanceof EdECPrivateKey edec && jdkAlgorithm.equals("Ed25519")
                ? edec.getBytes().map(seed -> new Ed25519PrivateKeyParameters(seed, 0)).orElse(null) : null;
    }

    /**
     * A signer for {@code key}, or null when its algorithm is not one this class signs with SHA-256 (Ed448 needs a
     * 512-bit hash, DSA and others are left to Bouncy Castle) or the JDK's providers do not know its key (a Brainpool
     * curve).
     */
    static SingleDigestSigner forKey(PGPPrivateKey key, int keyAlgorithm) {
        String jdkAlgorithm = switch (keyAlgorithm) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_SIGN -> "NONEwithRSA";
            case PublicKeyAlgorithmTags.ECDSA -> "NONEwithECDSA";
            case PublicKeyAlgorithmTags.EDDSA_LEGACY, PublicKeyAlgorithmTags.Ed25519 -> "Ed25519";
            default -> null;
        };
        if (jdkAlgorithm == null) {
            return null;
        }
        try {
            SingleDigestSigner signer = new SingleDigestSigner(keyAlgorithm, jdkAlgorithm,
                    new JcaPGPKeyConverter().getPrivateKey(key));
            signer.signDigest(new byte[32]);
            return signer;
        } catch (PGPException | GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public PGPContentSigner build(int signatureType, PGPPrivateKey privateKey) throws PGPException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new PGPException("the JDK has no SHA-256", e);
        }
        return new PGPContentSigner() {
            private byte[] digest;

            @Override
            public OutputStream getOutputStream() {
                return new OutputStream() {
                    @Override
                    public void write(int b) {
                        sha256.update((byte) b);
                    }

                    @Override
                    public void write(byte[] bytes, int offset, int length) {
                        sha256.update(bytes, offset, length);
                    }
                };
            }

            @Override
            public byte[] getDigest() {
                if (digest == null) {
                    digest = sha256.digest();
                }
                return digest;
            }

            @Override
            public byte[] getSignature() {
                try {
                    return signDigest(getDigest());
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("the JDK refused to sign with a key it accepted before", e);
                }
            }

            @Override
            public int getType() {
                return signatureType;
            }

            @Override
            public int getHashAlgorithm() {
                return HashAlgorithmTags.SHA256;
            }

            @Override
            public int getKeyAlgorithm() {
                return keyAlgorithm;
            }

            @Override
            public long getKeyID() {
                return privateKey.getKeyID();
            }
        };
    }

    private byte[] signDigest(byte[] digest) throws GeneralSecurityException {
        if (ed25519 != null) {
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, ed25519);
            signer.update(digest, 0, digest.length);
            return signer.generateSignature();
        }
        Signature signature = Signature.getInstance(jdkAlgorithm);
        signature.initSign(jdkKey);
        if (jdkAlgorithm.equals("NONEwithRSA")) {
            signature.update(SHA256_DIGEST_INFO);
        }
        signature.update(digest);
        return signature.sign();
    }
}
