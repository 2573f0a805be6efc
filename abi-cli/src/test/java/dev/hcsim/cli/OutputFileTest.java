package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file the CLI writes goes through {@link OutputFile}: regular files are replaced atomically, FIFOs and
 * character devices are streamed to, symlinks are followed, permissions are kept, and an output that is an input
 * or another output is refused before anything runs (docs/robustness.md, "Output files").
 */
class OutputFileTest {
    private static final String SCENARIO = "../examples/x86-send-ipi.json";

    private static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    private static long leftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".hcsim-")).count();
        }
    }

    @Test
    @DisplayName("--trace to a FIFO streams into it: the FIFO is still a FIFO and the reader gets every line")
    void fifoIsStreamedTo(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("trace.fifo");
        sh("mkfifo", fifo.toString());
        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        CliTest.Run r = CliTest.hcsim("run", SCENARIO, "--quiet", "--trace", fifo.toString());
        assertEquals(0, r.code(), r.err());
        String got = reader.get(30, TimeUnit.SECONDS);
        assertTrue(got.contains("KVM_HC_SEND_IPI"), got);
        assertTrue(Files.readAttributes(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode") instanceof Integer m && (m & 0170000) == 0010000,
                "still a FIFO");
        assertEquals(0, leftovers(dir));
    }

    @Test
    @DisplayName("--trace to a character device (a node like /dev/null, made with mknod) writes through it and leaves the node in place")
    void characterDeviceIsNotReplaced(@TempDir Path dir) throws Exception {
        Path dev = dir.resolve("null");
        sh("mknod", dev.toString(), "c", "1", "3");
        CliTest.Run r = CliTest.hcsim("run", SCENARIO, "--quiet", "--trace", dev.toString(), "--svg", dir.resolve("x.svg").toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.isRegularFile(dev, LinkOption.NOFOLLOW_LINKS), "the device node must not be replaced by a regular file");
        assertTrue(Files.isRegularFile(dir.resolve("x.svg")));
        assertEquals(0, leftovers(dir));
    }

    @Test
    @DisplayName("a character device that cannot take the bytes (/dev/full) is a one-line 'no space left' error naming the user's path")
    void fullDevice() {
        CliTest.Run r = CliTest.hcsim("run", SCENARIO, "--quiet", "--trace", "/dev/full");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("hcsim: cannot write /dev/full: no space left on the device"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    @DisplayName("a symlink is followed: its target's content is replaced, the link stays a link")
    void symlinkIsFollowed(@TempDir Path dir) throws Exception {
        Path real = dir.resolve("real.jsonl");
        Files.writeString(real, "old\n");
        Path link = dir.resolve("link.jsonl");
        Files.createSymbolicLink(link, real.getFileName());
        CliTest.Run r = CliTest.hcsim("run", SCENARIO, "--quiet", "--trace", link.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isSymbolicLink(link), "the link must stay a link");
        assertTrue(Files.readString(real).contains("KVM_HC_SEND_IPI"));
        assertEquals(0, leftovers(dir));
    }

    @Test
    @DisplayName("a dangling symlink is refused before anything runs (no file is created behind the user's back)")
    void danglingSymlinkIsRefused(@TempDir Path dir) throws Exception {
        Path link = dir.resolve("link.jsonl");
        Files.createSymbolicLink(link, dir.resolve("nowhere/x.jsonl"));
        CliTest.Run r = CliTest.hcsim("run", SCENARIO, "--trace", link.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out(), "nothing runs");
        assertTrue(r.err().contains(link.toString()) && r.err().contains("symbolic link"), r.err());
    }

    @Test
    @DisplayName("an existing 0600 file keeps its permissions when replaced; a new file is rw-r--r--")
    void permissionsAreKept(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("t.jsonl");
        Files.writeString(secret, "old");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path fresh = dir.resolve("new.svg");
        CliTest.Run r = CliTest.hcsim("run", SCENARIO, "--quiet", "--trace", secret.toString(), "--svg", fresh.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
    }

    @Test
    @DisplayName("an output that is one of the inputs is refused before anything runs; the input is untouched")
    void outputIsInput(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("s.json");
        Files.copy(Path.of(SCENARIO), in);
        byte[] before = Files.readAllBytes(in);
        CliTest.Run r = CliTest.hcsim("run", in.toString(), "--trace", in.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out(), "nothing runs");
        assertTrue(r.err().contains("is also an input"), r.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(in)));
        Path link = dir.resolve("alias.jsonl");
        Files.createSymbolicLink(link, in);
        CliTest.Run viaLink = CliTest.hcsim("run", in.toString(), "--svg", link.toString());
        assertEquals(2, viaLink.code(), viaLink.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(in)));
    }

    @Test
    @DisplayName("--trace X --svg X is refused: two outputs to one file would keep only one")
    void twoOutputsOneFile(@TempDir Path dir) {
        Path x = dir.resolve("x");
        CliTest.Run r = CliTest.hcsim("run", SCENARIO, "--trace", x.toString(), "--svg", dir.resolve(".").resolve("x").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains("--trace") && r.err().contains("--svg"), r.err());
        assertFalse(Files.exists(x));
    }

    @Test
    @DisplayName("a missing directory is named as such, with the user's path and no temporary name; nothing runs")
    void missingDirectory(@TempDir Path dir) {
        Path out = dir.resolve("no/such/dir/t.jsonl");
        CliTest.Run r = CliTest.hcsim("run", SCENARIO, "--trace", out.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals("hcsim: cannot write " + out + ": the directory " + out.getParent() + " does not exist", r.err().strip());
    }

    @Test
    @DisplayName("a parent that is a file, and an output that is a directory, are named for what they are")
    void parentIsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("f");
        Files.writeString(file, "x");
        CliTest.Run r = CliTest.hcsim("run", SCENARIO, "--trace", file.resolve("t.jsonl").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(file + " is not a directory"), r.err());
        CliTest.Run d = CliTest.hcsim("run", SCENARIO, "--svg", dir.toString());
        assertEquals(2, d.code(), d.err());
        assertTrue(d.err().contains("is a directory"), d.err());
        assertFalse(d.err().contains(".hcsim-"), d.err());
    }

    @Test
    @DisplayName("a write that fails mid-way (a read-only mount) names the user's path and the reason, leaves no temporary file")
    void readOnlyDirectory(@TempDir Path dir) throws Exception {
        // root ignores permission bits, so the test makes a read-only bind mount when it may; else it checks the mapping alone
        Path ro = dir.resolve("ro");
        Files.createDirectory(ro);
        boolean mounted = new ProcessBuilder("mount", "--bind", "-o", "ro", ro.toString(), ro.toString()).start().waitFor() == 0;
        try {
            if (mounted) {
                new ProcessBuilder("mount", "-o", "remount,bind,ro", ro.toString()).start().waitFor();
            }
            java.io.IOException denied = new java.nio.file.AccessDeniedException(ro.resolve(".hcsim-123.tmp").toString());
            assertEquals("cannot write " + ro.resolve("t") + ": permission denied", OutputFile.reason(ro.resolve("t"), denied));
            java.io.IOException full = new java.io.IOException("No space left on device");
            assertEquals("cannot write " + ro.resolve("t") + ": no space left on the device", OutputFile.reason(ro.resolve("t"), full));
            if (mounted && !Files.isWritable(ro.resolve("probe").getParent())) {
                Path out = ro.resolve("t.jsonl");
                CliTest.Run r = CliTest.hcsim("run", SCENARIO, "--quiet", "--trace", out.toString());
                assertEquals(2, r.code(), r.err());
                assertTrue(r.err().startsWith("hcsim: cannot write " + out + ":"), r.err());
                assertFalse(r.err().contains(".hcsim-"), r.err());
            }
        } finally {
            if (mounted) {
                new ProcessBuilder("umount", ro.toString()).start().waitFor();
            }
        }
    }

    @Test
    @DisplayName("a write that throws half-way removes its temporary file; so does the shutdown hook for a write still open")
    void temporaryFileRemoved(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("t.txt");
        try {
            OutputFile.write(t, w -> {
                throw new IllegalStateException("boom");
            });
        } catch (IllegalStateException expected) {
            // the content's own failure comes through
        }
        assertEquals(0, leftovers(dir));
        assertFalse(Files.exists(t));
        OutputFile open = OutputFile.open("--trace", t);
        open.writer().write("partial");
        assertEquals(1, leftovers(dir), "the temporary file exists while the write is open");
        OutputFile.removeOpenTemporaries(); // what the shutdown hook runs on Ctrl-C
        assertEquals(0, leftovers(dir));
        assertFalse(Files.exists(t));
        open.close();
    }

    @Test
    @DisplayName("'-' streams to standard output")
    void dashIsStdout(@TempDir Path dir) {
        CliTest.Run r = CliTest.hcsim("run", SCENARIO, "--quiet", "--trace", "-");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"call\":\"KVM_HC_SEND_IPI\""), r.out());
        assertFalse(Files.exists(Path.of("-")));
    }
}
