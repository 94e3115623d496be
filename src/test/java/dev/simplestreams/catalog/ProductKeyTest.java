package dev.simplestreams.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProductKeyTest {

    /** Parts drawn from few characters, ':' and its neighbours included, so prefixes and ties are common. */
    @Test
    void ordersExactlyAsTheIdsDo() {
        SplittableRandom random = new SplittableRandom(5);
        String alphabet = "9:;a-";
        for (int n = 0; n < 200_000; n++) {
            ProductKey a = key(random, alphabet);
            ProductKey b = random.nextInt(10) == 0 ? new ProductKey(a.os(), a.release(), a.arch(), a.variant())
                    : key(random, alphabet);
            assertEquals(Integer.signum(a.id().compareTo(b.id())), Integer.signum(a.compareTo(b)), a + " vs " + b);
        }
    }

    private static ProductKey key(SplittableRandom random, String alphabet) {
        String[] parts = new String[4];
        for (int p = 0; p < 4; p++) {
            StringBuilder part = new StringBuilder();
            for (int c = random.nextInt(0, 3); c > 0; c--) {
                part.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            parts[p] = part.toString();
        }
        return new ProductKey(parts[0], parts[1], parts[2], parts[3]);
    }
}
