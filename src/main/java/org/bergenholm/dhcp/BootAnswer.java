package org.bergenholm.dhcp;

/** The boot file to offer, and the vendor class (option 60) to echo: "PXEClient" or "HTTPClient". */
public record BootAnswer(String bootFile, String vendorClass) {
}
