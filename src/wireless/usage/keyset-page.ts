/** A keyset page: the first, the one after the record keyed `after`, or the one before `before`. */
export interface PageRequest<Key> {
  size: number;
  after?: Key;
  before?: Key;
}

/** A page of records in list order, and whether another lies beyond it in the direction read. */
export interface PageOf<T> {
  items: T[];
  more: boolean;
}
