import com.helger.commons.error.IError;
import com.helger.commons.error.level.EErrorLevel;
import com.helger.commons.location.ILocation;
import com.helger.diver.api.coord.DVRCoordinate;
import com.helger.phive.api.execute.ValidationExecutionManager;
import com.helger.phive.api.executorset.IValidationExecutorSet;
import com.helger.phive.api.executorset.ValidationExecutorSetRegistry;
import com.helger.phive.api.result.ValidationResult;
import com.helger.phive.api.result.ValidationResultList;
import com.helger.phive.api.validity.IValidityDeterminator;
import com.helger.phive.en16931.EN16931Validation;
import com.helger.phive.peppol.PeppolValidation;
import com.helger.phive.peppol.PeppolValidation2025_05;
import com.helger.phive.xml.source.IValidationSourceXML;
import com.helger.phive.xml.source.ValidationSourceXML;

import java.io.File;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;

/**
 * Validates UBL invoices and credit notes against Peppol BIS Billing 3.0 as phive runs it: the UBL 2.1
 * XSD, then the CEN EN16931 rules, then the Peppol rules (with the national ones, Norway's included).
 * Usage: java Validate file.xml… — prints one JSON line per file on stdout; exits 0 when every file
 * could be read and validated (valid or not), 2 on bad usage. With --stdin it reads one path per
 * line and answers each as it comes.
 */
public final class Validate {
  public static void main(String[] args) throws java.io.IOException {
    if (args.length == 0) {
      System.err.println("usage: Validate file.xml… | Validate --stdin (one path per line)");
      System.exit(2);
    }
    ValidationExecutorSetRegistry<IValidationSourceXML> registry = new ValidationExecutorSetRegistry<>();
    // Peppol's sets are built on top of the CEN EN16931 ones, which must be registered first.
    EN16931Validation.initEN16931(registry);
    PeppolValidation.initStandard(registry);
    if (args.length == 1 && args[0].equals("--stdin")) {
      // One JVM for a caller that has documents one at a time (a test file's tests): each path
      // read is answered at once, until stdin closes.
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
      for (String path = in.readLine(); path != null; path = in.readLine()) {
        System.out.println(validate(registry, path));
        System.out.flush();
      }
      return;
    }
    for (String path : args) {
      System.out.println(validate(registry, path));
    }
  }

  private static String validate(ValidationExecutorSetRegistry<IValidationSourceXML> registry, String path) {
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    String ruleset = null;
    try {
      Document dom = parse(path);
      IValidationExecutorSet<IValidationSourceXML> ves = executorSetFor(registry, dom.getDocumentElement().getLocalName());
      if (ves == null) {
        errors.add(issue("ROOT", "Neither a UBL Invoice nor a CreditNote: " + dom.getDocumentElement().getLocalName(), null));
      } else {
        ruleset = ves.getID().getAsSingleID();
        ValidationResultList results = ValidationExecutionManager.executeValidation(
            IValidityDeterminator.createDefault(), ves, ValidationSourceXML.create(path, dom));
        for (ValidationResult layer : results) {
          String kind = layer.getValidationArtefact().getValidationType().getID();
          for (IError e : layer.getErrorList()) {
            if (e.getErrorLevel().isGE(EErrorLevel.ERROR)) errors.add(issue(e, kind));
            // A warning with no rule id is the XSLT compiler's advice on the rules' own stylesheets
            // (given once per JVM), nothing about the document.
            else if (e.getErrorLevel().isGE(EErrorLevel.WARN) && e.getErrorID() != null) warnings.add(issue(e, kind));
          }
        }
      }
    } catch (Exception e) {
      errors.add(issue("XML", String.valueOf(e.getMessage()), null));
    }
    return "{\"file\":" + json(path) + ",\"ruleset\":" + json(ruleset) + ",\"valid\":" + errors.isEmpty()
        + ",\"errors\":[" + String.join(",", errors) + "],\"warnings\":[" + String.join(",", warnings) + "]}";
  }

  private static Document parse(String path) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    // Our own files, but there is no reason to let a DOCTYPE reach the file system or the network.
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(new File(path));
  }

  /** The Peppol set in force today for the document type: a newer phive-rules-peppol brings newer rules. */
  private static IValidationExecutorSet<IValidationSourceXML> executorSetFor(
      ValidationExecutorSetRegistry<IValidationSourceXML> registry, String rootName) {
    DVRCoordinate id = switch (rootName) {
      case "Invoice" -> PeppolValidation2025_05.VID_OPENPEPPOL_INVOICE_UBL_V3;
      case "CreditNote" -> PeppolValidation2025_05.VID_OPENPEPPOL_CREDIT_NOTE_UBL_V3;
      default -> null;
    };
    if (id == null) return null;
    IValidationExecutorSet<IValidationSourceXML> latest =
        registry.getLatestActiveVersion(id.getGroupID(), id.getArtifactID(), null, OffsetDateTime.now());
    return latest != null ? latest : registry.getOfID(id);
  }

  /** An issue named by its rule id, or by the layer that raised it (xsd…) when it has none. */
  private static String issue(IError e, String layer) {
    String location = e.getErrorFieldName();
    if (location == null && e.hasErrorLocation() && e.getErrorLocation().hasLineNumber()) {
      ILocation l = e.getErrorLocation();
      location = "line " + l.getLineNumber() + ", column " + l.getColumnNumber();
    }
    String rule = e.getErrorID() != null ? e.getErrorID() : layer;
    String message = e.getErrorText(Locale.ENGLISH);
    // Engine-level issues (a transformer's warning, say) keep their substance in the exception.
    if (e.hasLinkedException()) message += ": " + e.getLinkedExceptionMessage();
    return issue(rule, message, location);
  }

  private static String issue(String rule, String message, String location) {
    return "{\"rule\":" + json(rule) + ",\"message\":" + json(message) + ",\"location\":" + json(location) + "}";
  }

  private static String json(String s) {
    if (s == null) return "null";
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    return out.append('"').toString();
  }
}
