// A fetch that checks every response against openapi.yaml before handing it to the test.
import { assertResponseMatchesContract } from './contract.js';

/** Responses that broke the contract; tests assert this stays empty. */
export const contractViolations: Error[] = [];

export const validatingFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const response = await fetch(request);
  const { pathname } = new URL(request.url);
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.clone().text();
  try {
    const body = contentType.includes('json') ? (JSON.parse(text) as unknown) : text;
    assertResponseMatchesContract(request.method, pathname, response.status, contentType, body);
  } catch (error) {
    contractViolations.push(error as Error);
    throw error;
  }
  return response;
};
