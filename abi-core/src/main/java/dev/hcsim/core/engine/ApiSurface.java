package dev.hcsim.core.engine;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * What the user API of abi-core is, for hcsim's own boundary checks (abi-core's ApiBoundaryTest, and
 * abi-conformance's UserApiConsumerTest, which compiles examples/consumer against it): the packages exported to
 * everyone, each type's {@code @API} status, and the hcsim classes a compiled class refers to, read from its
 * constant pool. Loading it needs {@code apiguardian-api} at run time, which abi-core otherwise needs only to compile.
 */
@API(status = INTERNAL, since = "1.0")
public final class ApiSurface {
    /** The packages users compile against: exported to everyone. */
    public static final Set<String> USER_API = Set.of("dev.hcsim.core", "dev.hcsim.core.sched", "dev.hcsim.core.trace");
    /** The packages exported only to hcsim's own modules. */
    public static final Set<String> INTERNAL_PACKAGES = Set.of("dev.hcsim.core.spi", "dev.hcsim.core.asm", "dev.hcsim.core.engine");

    private ApiSurface() {
    }

    /**
     * Public and reachable from outside: public itself and inside public types only.
     * @param c a class
     * @return whether code outside its package can name it
     */
    public static boolean visible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass() || k.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A type's status: its own {@code @API}, else its enclosing type's (a nested type shares its owner's status).
     * @param c a class
     * @return the annotation, or null when neither it nor an enclosing type has one
     */
    public static API status(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            API a = k.getAnnotation(API.class);
            if (a != null) {
                return a;
            }
        }
        return null;
    }

    /**
     * A type a user may not use: in an SPI, assembler or engine package, without a status, or INTERNAL.
     * @param t a class
     * @return true for an hcsim type outside the user API
     */
    public static boolean forbidden(Class<?> t) {
        if (!t.getPackageName().startsWith("dev.hcsim.")) {
            return false;
        }
        API a = status(t);
        return INTERNAL_PACKAGES.contains(t.getPackageName()) || a == null || a.status() == API.Status.INTERNAL;
    }

    private static final Pattern TYPE_IN_DESCRIPTOR = Pattern.compile("L(dev/hcsim/[\\w/$]+)[;<]");

    /**
     * The hcsim classes (binary names) a class file refers to: its constant pool's classes, descriptors and signatures.
     * @param p the class file
     * @return the binary names of the hcsim classes it refers to
     */
    public static Set<String> references(Path p) {
        String name = p.getFileName().toString().replace(".class", "");
        ByteBuffer b;
        try {
            b = ByteBuffer.wrap(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        b.position(8);
        int n = Short.toUnsignedInt(b.getShort());
        Map<Integer, String> utf8 = new HashMap<>();
        List<Integer> classRefs = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            int tag = Byte.toUnsignedInt(b.get());
            switch (tag) {
                case 1 -> {
                    byte[] s = new byte[Short.toUnsignedInt(b.getShort())];
                    b.get(s);
                    utf8.put(i, new String(s, StandardCharsets.UTF_8)); // modified UTF-8 is UTF-8 for these names
                }
                case 7 -> classRefs.add(Short.toUnsignedInt(b.getShort()));
                case 8, 16, 19, 20 -> b.getShort();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> b.getInt();
                case 5, 6 -> {
                    b.getLong();
                    i++;
                }
                case 15 -> {
                    b.get();
                    b.getShort();
                }
                default -> throw new IllegalStateException(name + ": constant pool tag " + tag);
            }
        }
        Set<String> out = new TreeSet<>();
        for (int r : classRefs) {
            String s = utf8.get(r);
            if (s.startsWith("dev/hcsim/")) {
                out.add(s.replace('/', '.'));
            } else {
                Matcher m = TYPE_IN_DESCRIPTOR.matcher(s);
                while (m.find()) {
                    out.add(m.group(1).replace('/', '.'));
                }
            }
        }
        for (String s : utf8.values()) {
            Matcher m = TYPE_IN_DESCRIPTOR.matcher(s);
            while (m.find()) {
                out.add(m.group(1).replace('/', '.'));
            }
        }
        return out;
    }
}
