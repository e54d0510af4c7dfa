// The member's key in this browser: IndexedDB holds a non-extractable CryptoKey
// (script can sign with it, but never read it out), the public key, and the sealed
// backup made when the key was created or imported, until it is downloaded.

const DB = "commonweal";
const STORE = "keys";
const CURRENT = "current";

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, action) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

// {did, publicKey, privateKey, backup, backedUp, created} or null.
export function loadKey() {
  return run("readonly", (store) => store.get(CURRENT)).then((record) => record || null);
}

export function saveKey(record) {
  return run("readwrite", (store) => store.put(record, CURRENT));
}

export async function markBackedUp() {
  const record = await loadKey();
  if (record) await saveKey({ ...record, backedUp: true });
}

export function forgetKey() {
  return run("readwrite", (store) => store.delete(CURRENT));
}
