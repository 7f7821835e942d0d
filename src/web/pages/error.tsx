import { Layout, type PageContext } from '../components/layout.js';

const TEXT: Record<number, { title: string; body: string }> = {
  400: { title: 'That link does not look right', body: 'Some of the filters or values in this address are not valid.' },
  404: { title: 'We could not find that page', body: 'The car, brand or article may have been renamed or removed.' },
  500: { title: 'Something went wrong on our side', body: 'Please try again in a moment.' },
  503: { title: 'We are busy right now', body: 'Please try again in a few seconds.' },
};

export function ErrorPage({ ctx, status, detail, requestId }: { ctx: PageContext; status: number; detail?: string; requestId?: string }) {
  const text = TEXT[status] ?? (status >= 500 ? TEXT[500]! : TEXT[400]!);
  return (
    <Layout ctx={ctx} meta={{ title: `${text.title} | gadizone`, description: text.body, path: '/', noindex: true }}>
      <h1>{text.title}</h1>
      <p>{text.body}</p>
      {detail ? <p class="muted">{detail}</p> : null}
      {requestId ? <p class="muted">If it keeps happening, quote reference {requestId}.</p> : null}
      <form action="/search" method="get" role="search" class="form">
        <label for="q-error">Search for a car instead</label>
        <div class="row search">
          <input id="q-error" type="search" name="q" maxLength={100} data-autocomplete="" />
          <button type="submit">Search</button>
        </div>
      </form>
      <p><a href="/">Go to the home page</a> · <a href="/cars">Browse all cars</a> · <a href="/brands">All brands</a></p>
    </Layout>
  );
}
