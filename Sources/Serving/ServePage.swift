import Formats

/// The page at `/`: a form per served model (its latest version) that posts one record to /predict and shows
/// the answer, or the problem with each bad field. One self-contained file: inline CSS and script, no
/// external asset, no framework; the script builds the answer with text nodes only (nothing from the server
/// is parsed as HTML).
enum ServePage {
    /// Allows the page's own inline style and script and requests to this origin, nothing else.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

    static func html(_ models: [ServedModel]) -> String {
        let latest = Dictionary(grouping: models, by: \.name).values.compactMap { $0.max { $0.version < $1.version } }
            .sorted { $0.name < $1.name }
        let sections = latest.isEmpty
            ? "<p class=\"empty\">No model is loaded yet. <a href=\"/ready\">/ready</a> says what is missing.</p>"
            : latest.map(section).joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>pgpipe serve: try the models</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:60em;padding:0 1em;color:#222;line-height:1.4}
            h1{font-size:1.4em}h2{font-size:1.15em;margin-bottom:.2em}
            section{border:1px solid #ccc;border-radius:6px;padding:.5em 1em 1em;margin:1em 0}
            .meta{color:#555;font-size:.9em;margin-top:0}
            form{display:grid;grid-template-columns:repeat(auto-fill,minmax(16em,1fr));gap:.6em 1em}
            label{display:flex;flex-direction:column;font-size:.85em;color:#444}
            select,input{font:inherit;font-size:1rem;padding:.2em;max-width:100%}
            button{grid-column:1/-1;justify-self:start;font:inherit;padding:.3em 1.2em}
            .answer{margin-top:.8em;min-height:1.5em}
            .answer .headline{font-size:1.1em;font-weight:600}
            .bar{display:grid;grid-template-columns:6em 1fr 4.5em;gap:.5em;align-items:center;font-size:.9em}
            .track{background:#eee;border-radius:2px}.track span{display:block;background:#1f77b4;height:.8em;border-radius:2px}
            .problem{color:#a00}
            code{font-size:.9em}
            </style></head><body>
            <h1>Try the models</h1>
            <p>Each form sends one record to <code>POST /predict/{model}</code> and shows the answer. Leave a field at
            <em>unknown</em> to send <code>null</code>. The API: <a href="/openapi.yaml">/openapi.yaml</a>,
            the models: <a href="/models">/models</a>.</p>
            \(sections)
            <script>
            \(script)
            </script>
            </body></html>

            """
    }

    private static func section(_ model: ServedModel) -> String {
        let fields = model.form.map { field in
            let label = field.name.replacingOccurrences(of: "_", with: " ")
            guard !field.choices.isEmpty else {
                return "<label>\(label.htmlEscaped)<input type=\"number\" name=\"\(field.name.htmlEscaped)\" data-kind=\"number\" min=\"0\" max=\"150\" step=\"1\" value=\"38\" required></label>"
            }
            let options = field.choices.map { choice in
                let shown = field.numeric ? "\(choice.label) (\(choice.value))" : choice.label
                return "<option value=\"\(choice.value.htmlEscaped)\">\(shown.htmlEscaped)</option>"
            }
            return """
                <label>\(label.htmlEscaped)<select name="\(field.name.htmlEscaped)" data-kind="\(field.numeric ? "number" : "text")">\
                <option value="">unknown</option>\(options.joined())</select></label>
                """
        }
        let metrics = model.metrics.prefix(4).map { "\($0.0.replacingOccurrences(of: "_", with: " ")) \(String(format: "%.3f", $0.1))" }
        let about = ["\(model.kind.replacingOccurrences(of: "_", with: " ")), \(model.features.count) features"] + metrics
        return """
            <section id="\(model.name.htmlEscaped)"><h2>\(model.name.htmlEscaped) <small>version \(model.version)</small></h2>
            <p class="meta">\(about.joined(separator: " · ").htmlEscaped)</p>
            <form data-model="\(model.name.htmlEscaped)">
            \(fields.joined(separator: "\n"))
            <button type="submit">Predict</button>
            </form>
            <div class="answer" aria-live="polite"></div>
            </section>
            """
    }

    /// Posts a form's record and draws the answer; text nodes only.
    static let script = """
        function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
        function percent(p) { return (100 * p).toFixed(p < 0.001 ? 3 : 1) + ' %'; }
        function show(box, status, answer) {
          box.replaceChildren();
          if (status !== 200) {
            box.append(el('p', (answer.title || 'Error ' + status) + ': ' + (answer.detail || ''), 'problem headline'));
            const list = el('ul');
            for (const e of answer.errors || []) list.append(el('li', (e.field || 'record') + ': ' + e.reason, 'problem'));
            if (list.children.length) box.append(list);
            return;
          }
          if (answer.probabilities) {
            box.append(el('p', 'Predicted severity: ' + answer.label, 'headline'));
            for (const [name, p] of Object.entries(answer.probabilities)) {
              const row = el('div', undefined, 'bar');
              const bar = el('span'); bar.style.width = Math.max(0.5, 100 * p) + '%';
              const track = el('div', undefined, 'track'); track.append(bar);
              row.append(el('span', name), track, el('span', percent(p)));
              box.append(row);
            }
          } else {
            box.append(el('p', (answer.over_50k ? 'Over 50k' : 'Under 50k') + ': probability ' + percent(answer.probability) + ' of earning over 50,000', 'headline'));
          }
          const unknown = answer.unknown_inputs || [];
          box.append(el('p', 'model ' + answer.model + ' version ' + answer.version +
            (unknown.length ? '; unknown to the model: ' + unknown.join(', ') : '; every input known to the model'), 'meta'));
        }
        for (const form of document.querySelectorAll('form[data-model]')) {
          form.addEventListener('submit', async (event) => {
            event.preventDefault();
            const record = {};
            for (const field of form.querySelectorAll('[name]')) {
              record[field.name] = field.value === '' ? null : field.dataset.kind === 'number' ? Number(field.value) : field.value;
            }
            const box = form.parentElement.querySelector('.answer');
            box.replaceChildren(el('p', 'Asking…', 'meta'));
            try {
              const response = await fetch('/predict/' + encodeURIComponent(form.dataset.model), {
                method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(record)});
              show(box, response.status, await response.json());
            } catch (error) {
              box.replaceChildren(el('p', 'No answer: ' + error.message, 'problem'));
            }
          });
        }
        """
}
