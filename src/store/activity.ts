import type { StoreContext } from './context.js';
import type { Store } from './store.js';

type ActivityQueries = Pick<Store, 'userActivity'>;

// For the console's users list: what each user on a page holds and did, not who they are.
export function activityQueries({ db }: StoreContext): ActivityQueries {
  return {
    async userActivity(userIds) {
      if (userIds.length === 0) return [];
      // Two grouped reads over indexed ranges, for one page of users.
      const [keys, sessions] = await Promise.all([
        db
          .selectFrom('users')
          .leftJoin('api_keys as k', 'k.user_id', 'users.id')
          .select((eb) => [
            'users.id',
            'users.key_count',
            eb.fn.max('k.last_used').$castTo<string | null>().as('last_used'),
          ])
          .where('users.id', 'in', userIds)
          .groupBy(['users.id', 'users.key_count'])
          .execute(),
        db
          .selectFrom('console_sessions')
          .select((eb) => ['user_id', eb.fn.max('last_seen_at').as('last_seen')])
          .where('user_id', 'in', userIds)
          .groupBy('user_id')
          .execute(),
      ]);
      const seen = new Map(sessions.map((row) => [row.user_id, row.last_seen]));
      return keys.map((row) => {
        const latest = [row.last_used, seen.get(row.id)]
          .filter((t): t is string => typeof t === 'string')
          .sort()
          .at(-1);
        return {
          userId: row.id,
          keyCount: Number(row.key_count),
          ...(latest ? { lastActivity: latest } : {}),
        };
      });
    },
  };
}
