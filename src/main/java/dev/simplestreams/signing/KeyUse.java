package dev.simplestreams.signing;

import java.time.Instant;
import java.util.Iterator;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;

/** What a key may do and whether it is valid at a moment, from its self-signatures, as gpg judges it. */
final class KeyUse {

    private KeyUse() {
    }

    /** The key flags of its self-signatures say "sign data"; a primary key without flags may sign if it can. */
    static boolean maySign(PGPPublicKey key) {
        for (Iterator<PGPSignature> signatures = key.getSignatures(); signatures.hasNext(); ) {
            PGPSignatureSubpacketVector hashed = signatures.next().getHashedSubPackets();
            if (hashed != null && hashed.getKeyFlags() != 0) {
                return (hashed.getKeyFlags() & KeyFlags.SIGN_DATA) != 0;
            }
        }
        return key.isMasterKey() && switch (key.getAlgorithm()) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_SIGN, PublicKeyAlgorithmTags.DSA,
                    PublicKeyAlgorithmTags.ECDSA, PublicKeyAlgorithmTags.EDDSA_LEGACY, PublicKeyAlgorithmTags.Ed25519,
                    PublicKeyAlgorithmTags.Ed448 -> true;
            default -> false;
        };
    }

    /** Null when {@code key} and its {@code primary} are valid at {@code at}; else why not ("expired on ..."). */
    static String validNow(PGPPublicKey key, PGPPublicKey primary, Instant at) {
        for (PGPPublicKey k : key == primary ? new PGPPublicKey[] {key} : new PGPPublicKey[] {primary, key}) {
            if (k.hasRevocation()) {
                return SigningKey.fingerprint(k) + " was revoked";
            }
            long validSeconds = k.getValidSeconds();
            if (validSeconds > 0) {
                Instant expiry = k.getCreationTime().toInstant().plusSeconds(validSeconds);
                if (expiry.isBefore(at)) {
                    return SigningKey.fingerprint(k) + " expired on " + expiry;
                }
            }
        }
        return null;
    }
}
