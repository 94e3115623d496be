package dev.simplestreams.access;

import java.util.Locale;

/** The writes a scope grants separately: adding a file, replacing one with other bytes, removing one. */
public enum Operation {
    CREATE, OVERWRITE, DELETE;

    /** As the access file and the refusals name it. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Operation parse(String word) throws AccessFileException {
        for (Operation operation : values()) {
            if (operation.word().equals(word)) {
                return operation;
            }
        }
        throw new AccessFileException("'" + word + "' is not an operation; use create, overwrite or delete");
    }
}
