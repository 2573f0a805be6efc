package dev.hcsim.cli;

import java.io.Closeable;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The one way the CLI writes a file the user named ({@code --trace}, {@code --svg}, {@code --html}).
 *
 * <ul>
 * <li>A regular file, or a name that does not exist yet, is written to a temporary file in the same directory and
 * moved over the target in one atomic rename: the target holds either its old content or the whole new one. The
 * temporary file is removed when the write fails, and by a shutdown hook when the process is interrupted.</li>
 * <li>An existing file keeps its permissions (and, where the process may, its owner); a new one is {@code rw-r--r--}.</li>
 * <li>A FIFO or a character device ({@code /dev/null}, {@code /dev/tty}, {@code /dev/stdout}) is opened and written to,
 * never replaced; {@code -} is standard output. A block device, a socket or a directory is refused.</li>
 * <li>A symbolic link is followed: the file it points to is replaced atomically and the link stays a link (what a
 * shell's {@code >} does). A link that points nowhere is refused rather than creating a file the user did not name.</li>
 * <li>Every failure is one message naming the user's path and the reason (missing directory, permission, read-only
 * file system, disk full), never the temporary name.</li>
 * </ul>
 */
final class OutputFile implements Closeable {
    /** Temporary files of writes still open: the shutdown hook removes them when the process is interrupted. */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(OutputFile::removeOpenTemporaries, "hcsim-output-cleanup"));
    }

    /** What a user's output path turned out to be. */
    private enum Kind { REPLACE, STREAM, STDOUT }

    /** A resolved output: where the bytes go and how. */
    private record Target(Path user, Path real, Kind kind) {
        /** What makes two outputs the same place: stdout, or the real path of a file (devices and FIFOs may be shared). */
        String identity() {
            return kind == Kind.STDOUT ? "-" : kind == Kind.REPLACE ? real.toString() : null;
        }
    }

    private final Target target;
    private final Path temporary;
    private final Writer writer;
    private boolean done;

    private OutputFile(Target target, Path temporary, Writer writer) {
        this.target = target;
        this.temporary = temporary;
        this.writer = writer;
    }

    /**
     * Opens an output for writing; nothing replaces the target until {@link #commit()}.
     * @param option the option that named it (for messages)
     * @param path the user's path, or {@code -} for standard output
     * @return the open output
     * @throws UncheckedIOException with a one-line message naming {@code path} and the reason
     */
    static OutputFile open(String option, Path path) {
        return open(option, path, null);
    }

    /**
     * Opens an output; {@code -} writes to {@code stdout}.
     * @param option the option that named it
     * @param path the user's path
     * @param stdout standard output (null: the process's)
     * @return the open output
     */
    static OutputFile open(String option, Path path, PrintWriter stdout) {
        Target t = resolve(path);
        try {
            switch (t.kind) {
                case STDOUT -> {
                    Writer out = stdout != null ? stdout : new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
                    return new OutputFile(t, null, new FilterWriter(out) {
                        @Override
                        public void close() throws IOException {
                            flush(); // standard output stays open for what follows
                        }
                    });
                }
                case STREAM -> {
                    // no CREATE, no TRUNCATE: the device or FIFO is written to as it is
                    return new OutputFile(t, null, new OutputStreamWriter(Files.newOutputStream(t.real, StandardOpenOption.WRITE),
                            StandardCharsets.UTF_8));
                }
                default -> {
                    Path tmp = Files.createTempFile(t.real.getParent(), ".hcsim-", ".tmp");
                    OPEN.add(tmp);
                    try {
                        copyPermissions(t.real, tmp);
                        return new OutputFile(t, tmp, Files.newBufferedWriter(tmp, StandardCharsets.UTF_8));
                    } catch (IOException | RuntimeException e) {
                        delete(tmp);
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(reason(path, e), e);
        }
    }

    /**
     * Where the content goes; write freely, then {@link #commit()}.
     * @return the writer
     */
    Writer writer() {
        return writer;
    }

    /** Finishes the write: a regular file is moved into place now; a stream is flushed. */
    void commit() {
        try {
            writer.close();
            if (temporary != null) {
                Files.move(temporary, target.real, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                OPEN.remove(temporary);
            }
            done = true;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(reason(target.user, e), e);
        }
    }

    /** Abandons the write when it was not committed: the temporary file is removed, the target untouched. */
    @Override
    public void close() {
        if (done) {
            return;
        }
        done = true;
        try {
            writer.close();
        } catch (IOException ignored) {
            // the write is abandoned; its own failure is the one reported
        }
        if (temporary != null) {
            delete(temporary);
        }
    }

    /**
     * Writes what {@code content} writes to {@code target}, all or nothing.
     * @param target the user's path
     * @param content writes the content
     * @throws UncheckedIOException naming the user's path and the reason
     */
    static void write(Path target, Consumer<Writer> content) {
        write("output", target, null, content);
    }

    /**
     * Writes what {@code content} writes to {@code target} ({@code -}: {@code stdout}), all or nothing.
     * @param option the option that named it
     * @param target the user's path
     * @param stdout standard output (null: the process's)
     * @param content writes the content
     */
    static void write(String option, Path target, PrintWriter stdout, Consumer<Writer> content) {
        try (OutputFile f = open(option, target, stdout)) {
            try {
                content.accept(f.writer());
            } catch (UncheckedIOException e) {
                throw new UncheckedIOException(reason(target, e.getCause()), e.getCause());
            }
            f.commit();
        }
    }

    /**
     * Writes {@code text}, all or nothing.
     * @param option the option that named it
     * @param target the user's path
     * @param stdout standard output (null: the process's)
     * @param text the content
     */
    static void write(String option, Path target, PrintWriter stdout, String text) {
        write(option, target, stdout, w -> {
            try {
                w.write(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Checks, before anything runs, that every output can be written and none is an input or another output.
     * @param inputs the input files
     * @param outputs option name to path, in the order given (null paths are skipped)
     * @throws IllegalArgumentException or UncheckedIOException with a one-line message
     */
    static void check(List<Path> inputs, Map<String, Path> outputs) {
        Map<String, String> inputIds = new HashMap<>();
        for (Path in : inputs) {
            try {
                inputIds.put(in.toRealPath().toString(), in.toString());
            } catch (IOException e) {
                // a missing input is the reader's error to report
            }
        }
        Map<String, String> seen = new HashMap<>();
        for (Map.Entry<String, Path> o : outputs.entrySet()) {
            if (o.getValue() == null) {
                continue;
            }
            Target t = resolve(o.getValue());
            String id = t.identity();
            if (id == null) {
                continue;
            }
            String input = inputIds.get(id);
            if (input != null) {
                throw new IllegalArgumentException(o.getKey() + " " + o.getValue() + " is also an input (" + input + "); refusing to overwrite it");
            }
            String other = seen.putIfAbsent(id, o.getKey());
            if (other != null) {
                throw new IllegalArgumentException(other + " and " + o.getKey() + " name the same file (" + o.getValue()
                        + "); one would replace the other");
            }
        }
    }

    /** Removes the temporary file of every write still open (the shutdown hook; also called by tests). */
    static void removeOpenTemporaries() {
        for (Path p : new ArrayList<>(OPEN)) {
            delete(p);
        }
    }

    /**
     * The one-line reason a write to the user's {@code path} failed, never naming a temporary file.
     * @param path the user's path
     * @param e the failure
     * @return "cannot write PATH: REASON"
     */
    static String reason(Path path, IOException e) {
        String why;
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("No space left") || msg.contains("Disk quota")) {
            why = "no space left on the device";
        } else if (e instanceof AccessDeniedException || msg.contains("Permission denied")) {
            why = "permission denied";
        } else if (msg.contains("Read-only file system")) {
            why = "the file system is read-only";
        } else if (e instanceof NoSuchFileException) {
            Path parent = path.toAbsolutePath().getParent();
            why = "the directory " + (path.getParent() != null ? path.getParent() : parent) + " does not exist";
        } else if (e instanceof FileSystemException fs && fs.getReason() != null) {
            why = fs.getReason().toLowerCase(Locale.ROOT);
        } else {
            why = msg.replaceAll("\\S*\\.hcsim-\\S*\\.tmp", path.toString());
        }
        return "cannot write " + path + ": " + why;
    }

    /** What the user's path is: stdout, a stream, or a file to replace (following a symbolic link); refuses the rest. */
    private static Target resolve(Path path) {
        if (path.toString().equals("-")) {
            return new Target(path, path, Kind.STDOUT);
        }
        try {
            if (Files.exists(path)) {
                Path real = path.toRealPath();
                PosixFileAttributes a = Files.readAttributes(real, PosixFileAttributes.class);
                if (a.isRegularFile()) {
                    return new Target(path, real, Kind.REPLACE);
                }
                if (a.isDirectory()) {
                    throw fail(path, "it is a directory");
                }
                int type = ((Integer) Files.getAttribute(real, "unix:mode")) & 0170000;
                return switch (type) {
                    case 0010000, 0020000 -> new Target(path, real, Kind.STREAM); // FIFO, character device
                    case 0060000 -> throw fail(path, "it is a block device; refusing to write to it");
                    case 0140000 -> throw fail(path, "it is a socket");
                    default -> throw fail(path, "it is not a regular file");
                };
            }
            if (Files.isSymbolicLink(path)) {
                throw fail(path, "it is a symbolic link to " + Files.readSymbolicLink(path) + ", which does not exist");
            }
            Path abs = path.toAbsolutePath().normalize();
            Path parent = abs.getParent();
            Path shown = path.getParent() != null ? path.getParent() : parent;
            if (!Files.exists(parent)) {
                for (Path p = parent; p != null; p = p.getParent()) {
                    if (Files.exists(p) && !Files.isDirectory(p)) {
                        throw fail(path, p + " is not a directory");
                    }
                }
                throw fail(path, "the directory " + shown + " does not exist");
            }
            if (!Files.isDirectory(parent)) {
                throw fail(path, shown + " is not a directory");
            }
            return new Target(path, parent.toRealPath().resolve(abs.getFileName()), Kind.REPLACE);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: only regular files and new names are written
            if (Files.isDirectory(path)) {
                throw fail(path, "it is a directory");
            }
            return new Target(path, path.toAbsolutePath().normalize(), Kind.REPLACE);
        } catch (IOException e) {
            throw new UncheckedIOException(reason(path, e), e);
        }
    }

    private static UncheckedIOException fail(Path path, String why) {
        return new UncheckedIOException("cannot write " + path + ": " + why, new IOException(why));
    }

    private static void copyPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        if (!Files.exists(from)) {
            // a temporary file is private to its owner; a new output is as readable as any other the user writes
            view.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
            return;
        }
        PosixFileAttributes old = Files.readAttributes(from, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        view.setPermissions(old.permissions());
        try {
            view.setGroup(old.group());
            view.setOwner(old.owner());
        } catch (IOException e) {
            // only root may give a file away; an ordinary user's replacement is theirs, as with any editor
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // nothing more can be done; the name starts with .hcsim- so it is recognisable
        }
        OPEN.remove(p);
    }
}
