package org.bergenholm.dhcp;

/** UDP ports: 67/68/4011 in service; tests on loopback use free high ports. bootServer 0 = none. */
public record Ports(int server, int client, int bootServer) {
    public static final Ports STANDARD = new Ports(67, 68, 4011);
}
