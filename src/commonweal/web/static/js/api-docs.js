// Starts Swagger UI on /docs, or Redoc on /redoc, from the node's own copies of them
// (web/api_docs.py). A file, not an inline script: the pages' Content-Security-Policy runs
// only the node's own scripts.
const swagger = document.getElementById("swagger-ui");
const redoc = document.getElementById("redoc");

if (swagger) {
  window.SwaggerUIBundle({
    url: swagger.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    validatorUrl: null, // no badge fetched from validator.swagger.io
    showExtensions: true,
  });
}

if (redoc) {
  // Redoc writes <style> elements (styled-components): they carry this response's nonce,
  // which the page's style-src names, so no other inline style is allowed.
  window.Redoc.init(redoc.dataset.specUrl, { nonce: redoc.dataset.styleNonce }, redoc);
}
