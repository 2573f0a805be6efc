package dev.hcsim.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;

/** Output files are written beside their target and moved into place, so no partial file is ever left behind. */
final class AtomicFile {
    private AtomicFile() {
    }

    /** Writes what {@code content} writes to {@code target}, all or nothing; a failure is one {@link UncheckedIOException} naming the file. */
    static void write(Path target, Consumer<Writer> content) {
        Path abs = target.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new UncheckedIOException("cannot write " + target + ": it is a directory", new java.nio.file.FileSystemException(target.toString()));
        }
        try {
            Path tmp = Files.createTempFile(abs.getParent(), ".hcsim-", ".tmp");
            if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                // a temporary file is private to its owner; an output file is as readable as any other the user writes
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                content.accept(w);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code text} to {@code target}, all or nothing. */
    static void write(Path target, String text) {
        write(target, w -> {
            try {
                w.write(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
