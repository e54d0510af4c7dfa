// The node's service worker: it shows the pushes the node sends to this browser
// (docs/notifications.md, "Web Push"). A push is JSON {title, body, url, kind, urgent},
// decrypted by the browser (RFC 8291) before this code sees it. A click opens the page it
// names, on this node's own origin only.

self.addEventListener("push", (event) => {
  let notice = {};
  try {
    notice = event.data ? event.data.json() : {};
  } catch {
    notice = { title: "Commonweal", body: event.data ? event.data.text() : "" };
  }
  const url = notice.url || "/notifications";
  event.waitUntil(self.registration.showNotification(notice.title || "Commonweal", {
    body: notice.body || "",
    data: { url },
    tag: notice.kind || "notice",
    requireInteraction: Boolean(notice.urgent),
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const named = new URL(event.notification.data.url, self.location.origin);
  const own = new URL(named.pathname + named.search, self.location.origin);
  event.waitUntil(self.clients.openWindow(own.href));
});
