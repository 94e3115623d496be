package dev.simplestreams.store;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a directory, as a volume holds the data root. */
class FileSystemStoreTest extends ImageStoreContract {

    @TempDir
    Path root;

    @Override
    ImageStore newStore() throws Exception {
        return new FileSystemStore(new DataRoot(root));
    }

    @Override
    void placeBehindItsBack(String path, byte[] content) throws Exception {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }
}
