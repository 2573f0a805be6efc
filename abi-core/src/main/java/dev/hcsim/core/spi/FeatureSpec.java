package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * A VM feature an architecture knows (a CPUID bit, a capability, a feature-mask bit), with the
 * kernel's default.
 *
 * @param name        the CLI and scenario name, lower-case with dashes ({@code pv-send-ipi})
 * @param defaultOn   whether a VM offers it unless told otherwise
 * @param description what it gates, with its kernel source
 */
@API(status = INTERNAL, since = "1.0")
public record FeatureSpec(String name, boolean defaultOn, String description) {
}
