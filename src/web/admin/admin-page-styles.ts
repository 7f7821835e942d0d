/** The admin stylesheet (served as a hashed file: the CSP refuses inline styles). Plain, legible, high contrast. */
export const ADMIN_CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f7f9}
a{color:#0a4bb3}
:focus-visible{outline:3px solid #f5a300;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
header.bar{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between;background:#14213d;color:#fff;padding:.5rem 1rem}
header.bar a{color:#fff}
header.bar nav ul{display:flex;flex-wrap:wrap;gap:.75rem;list-style:none;margin:0;padding:0}
header.bar nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #d6d9de;vertical-align:top}
th{background:#eef0f3}
form.stack{display:grid;gap:.9rem;max-width:44rem;background:#fff;padding:1rem;border:1px solid #d6d9de}
form.inline{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:0 0 1rem}
label{display:block;font-weight:600}
input,select,textarea{font:inherit;padding:.4rem;border:1px solid #6b7280;border-radius:3px;width:100%;max-width:44rem;background:#fff;color:inherit}
form.inline input,form.inline select{width:auto}
input[type=checkbox]{width:auto}
textarea{min-height:6rem}
.hint{color:#4b5563;font-size:.875rem;margin:.1rem 0 0}
.field-error{color:#b00020;font-weight:600;margin:.2rem 0 0}
[aria-invalid=true]{border-color:#b00020;border-width:2px}
button,.button{font:inherit;padding:.45rem .9rem;border:0;border-radius:3px;background:#0a4bb3;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#e5e7eb;color:#1a1a1a}
button.danger{background:#b00020}
.alert{padding:.75rem 1rem;border-left:5px solid #b00020;background:#fdecee;margin:0 0 1rem}
.notice{padding:.75rem 1rem;border-left:5px solid #1b7f3b;background:#e8f5ec;margin:0 0 1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:1rem;list-style:none;padding:0}
.cards li{background:#fff;border:1px solid #d6d9de;padding:1rem}
.cards strong{display:block;font-size:1.8rem}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}
.pager{display:flex;gap:1rem;margin:1rem 0}
progress{width:100%;max-width:44rem}
img.preview{max-width:20rem;max-height:14rem;border:1px solid #d6d9de}
pre{white-space:pre-wrap;word-break:break-word;font-size:.8rem;max-width:30rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
`;
