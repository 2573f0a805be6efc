package dev.hcsim.core.translate;

/**
 * What TeaVM compiles for {@code BlockCompiler} in the Explorer page ({@link dev.hcsim.web.NoTranslation}): a
 * JavaScript runtime cannot define JVM classes, so every block is declined and stays interpreted.
 */
final class WebBlockCompiler {
    private WebBlockCompiler() {
    }

    static CompiledBlock compile(Block b, int zero) {
        throw new UnsupportedOperationException("the browser cannot load compiled blocks: block at " + b + " stays interpreted");
    }
}
