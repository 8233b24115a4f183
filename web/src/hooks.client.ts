import type { HandleClientError } from '@sveltejs/kit';

/**
 * An address that is no page of the dashboard is a typo or an old link: the error
 * page says so, and the console stays for real failures.
 */
export const handleError: HandleClientError = ({ error, status, message }) => {
  if (status !== 404) console.error(error);
  return { message };
};
