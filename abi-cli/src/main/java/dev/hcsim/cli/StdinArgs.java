package dev.hcsim.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The Unix convention for a command's text input: the words on the command line, or, when they are {@code -} or
 * absent, the whole of standard input ({@code echo vmcall | hcsim asm --arch x86}, {@code hcsim asm --arch x86 - <
 * file.s}). With no words on an interactive terminal the command says what it wants instead of waiting.
 */
final class StdinArgs {
    private StdinArgs() {
    }

    /** {@code words}, or standard input as one word when {@code words} is empty or just {@code -}. */
    static List<String> words(List<String> words, CommandSpec spec) {
        boolean dash = words.size() == 1 && words.get(0).equals("-");
        if (!words.isEmpty() && !dash) {
            if (words.contains("-")) {
                throw new IllegalArgumentException("'-' (standard input) cannot be combined with other input words");
            }
            return words;
        }
        Main main = (Main) spec.root().userObject();
        if (!dash && main.interactive) {
            throw new IllegalArgumentException("no input: give it as arguments, or '-' (or a pipe) to read standard input");
        }
        try {
            String text = new String(main.in.readAllBytes(), StandardCharsets.UTF_8);
            if (text.isBlank()) {
                throw new IllegalArgumentException("no input: standard input was empty");
            }
            return List.of(text.strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read standard input: " + e.getMessage(), e);
        }
    }

    /** The most bytes {@code -f FILE} reads (the assembler refuses programs larger than 16 MiB anyway). */
    static final int MAX_FILE_BYTES = 64 << 20;

    /**
     * The text of {@code file} ({@code -}: standard input) as one word; {@code words} must then be empty.
     * @param file the file named by {@code -f}
     * @param words the words on the command line besides it
     * @param spec the command, for standard input
     * @return the file's text as one word
     */
    static List<String> file(java.nio.file.Path file, List<String> words, CommandSpec spec) {
        if (!words.isEmpty()) {
            throw new IllegalArgumentException("give the input either with -f FILE or as arguments, not both");
        }
        if (file.toString().equals("-")) {
            return words(List.of("-"), spec);
        }
        try {
            if (java.nio.file.Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(Text.excerpt(file.toString()) + ": larger than " + MAX_FILE_BYTES + " bytes");
            }
            String text = java.nio.file.Files.readString(file, StandardCharsets.UTF_8);
            if (text.isBlank()) {
                throw new IllegalArgumentException(Text.excerpt(file.toString()) + ": the file is empty");
            }
            return List.of(text.strip());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(Text.excerpt(file.toString()) + ": no such file");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(Text.excerpt(file.toString()) + ": not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + Text.excerpt(file.toString()) + ": " + e.getMessage(), e);
        }
    }
}
