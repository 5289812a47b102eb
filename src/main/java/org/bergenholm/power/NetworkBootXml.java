package org.bergenholm.power;

import java.io.StringReader;
import java.io.StringWriter;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** Rewrites a libvirt domain definition so that the network is the first boot device. */
final class NetworkBootXml {
    private NetworkBootXml() {
    }

    /**
     * {@code <boot dev='network'/>} first in {@code <os>}, the other boot devices after it.
     * Per-device {@code <boot order=…>} elements would override {@code <os><boot>} (libvirt
     * refuses both at once), so they are removed.
     */
    static String networkFirst(String domainXml) throws PowerException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(new InputSource(new StringReader(domainXml)));
            Element os = (Element) doc.getDocumentElement().getElementsByTagName("os").item(0);
            if (os == null) {
                throw new PowerException("domain definition has no <os> element");
            }
            removeDeviceBootOrders(doc);
            NodeList boots = os.getElementsByTagName("boot");
            for (int i = boots.getLength() - 1; i >= 0; i--) {
                Element boot = (Element) boots.item(i);
                if ("network".equals(boot.getAttribute("dev"))) {
                    os.removeChild(boot);
                }
            }
            Element network = doc.createElement("boot");
            network.setAttribute("dev", "network");
            Node first = os.getElementsByTagName("boot").item(0);
            if (first == null) {
                os.appendChild(network);
                Element disk = doc.createElement("boot");
                disk.setAttribute("dev", "hd");
                os.appendChild(disk);
            } else {
                os.insertBefore(network, first);
            }
            StringWriter out = new StringWriter();
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.transform(new DOMSource(doc), new StreamResult(out));
            return out.toString();
        } catch (PowerException e) {
            throw e;
        } catch (Exception e) {
            throw new PowerException("cannot rewrite the domain definition: " + e.getMessage(), false, e);
        }
    }

    private static void removeDeviceBootOrders(Document doc) {
        NodeList devices = doc.getDocumentElement().getElementsByTagName("devices");
        for (int d = 0; d < devices.getLength(); d++) {
            NodeList boots = ((Element) devices.item(d)).getElementsByTagName("boot");
            for (int i = boots.getLength() - 1; i >= 0; i--) {
                boots.item(i).getParentNode().removeChild(boots.item(i));
            }
        }
    }
}
