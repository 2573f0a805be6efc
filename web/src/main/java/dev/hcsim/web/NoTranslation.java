package dev.hcsim.web;

import org.teavm.extension.spi.substitution.SimpleSubstitutionPolicy;
import org.teavm.extension.spi.substitution.SubstitutionSink;

/**
 * For TeaVM: the page runs guest code through the interpreter (Machine's default engine). The translating engine
 * compiles hot blocks to JVM bytecode as hidden classes, which no JavaScript runtime can load, so TeaVM compiles
 * {@code dev.hcsim.core.translate.WebBlockCompiler} in place of {@code BlockCompiler}: it declines every block, and
 * a declined block stays interpreted (BlockEngine's rule), should a page ever switch translation on.
 */
public final class NoTranslation extends SimpleSubstitutionPolicy {
    @Override
    public void contribute(SubstitutionSink sink) {
        sink.selectClasses(named("dev.hcsim.core.translate.BlockCompiler")).simpleNamePrefix("Web");
    }
}
