import { paginate } from './listing';

it('pages through ids of mixed case without skipping or repeating one', () => {
  // Cognito pool ids mix cases (us-east-1_aBc…): the sort and the token must agree on their order.
  const ids = ['us-east-1_b', 'us-east-1_a', 'us-east-1_C', 'us-east-1_d', 'us-east-1_e'];
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const { page, nextToken } = paginate(ids, (id) => id, 2, token);
    seen.push(...page);
    token = nextToken;
    pages++;
  } while (token && pages < 10);
  expect(seen.sort()).toEqual([...ids].sort());
  expect(pages).toBe(3);
});
